/**
 * How the gateway talks to a subgraph. A subgraph that cannot be reached becomes an error that
 * names it (`extensions.service`), so clients can show "payment service unavailable" next to
 * the data the other subgraphs returned.
 */
import { RemoteGraphQLDataSource } from "@apollo/gateway";
import { GraphQLError } from "graphql";

export const SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE";

export class SubgraphDataSource extends RemoteGraphQLDataSource {
  constructor(
    private readonly serviceName: string,
    url: string,
  ) {
    // Node's fetch (undici) pools keep-alive connections per origin.
    super({ url, fetcher: fetch as never });
  }

  override didEncounterError(error: Error): void {
    if (error instanceof GraphQLError && error.extensions?.code !== "INTERNAL_SERVER_ERROR") throw error;
    throw new GraphQLError(`The ${this.serviceName} service is unavailable; the data it provides is missing from this response.`, {
      extensions: { code: SERVICE_UNAVAILABLE, service: this.serviceName, reason: error.message },
    });
  }
}
