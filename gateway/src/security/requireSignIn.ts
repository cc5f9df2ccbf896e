/**
 * Anonymous callers may only introspect (when introspection is enabled outside production; else
 * the request guard refuses them before parsing): any other operation is refused at the gateway
 * with 401 UNAUTHENTICATED, before a query plan is run. The subgraphs would refuse it too;
 * refusing here spares them the traffic and answers with one clear error.
 */
import type { ApolloServerPlugin, GraphQLRequestListener } from "@apollo/server";
import { GraphQLError, Kind, type OperationDefinitionNode } from "graphql";
import { signInFirst, type GatewayContext } from "./requestGuard.js";

function onlyIntrospection(operation: OperationDefinitionNode | undefined): boolean {
  return !!operation && operation.selectionSet.selections.every((s) => s.kind === Kind.FIELD && s.name.value.startsWith("__"));
}

const listener: GraphQLRequestListener<GatewayContext> = {
  async didResolveOperation({ contextValue, operation }) {
    if (contextValue.identity || onlyIntrospection(operation)) return;
    const error = signInFirst();
    throw new GraphQLError(error.message, { extensions: { ...error.extensions, http: { status: 401 } } });
  },
};

export const requireSignIn: ApolloServerPlugin<GatewayContext> = {
  async requestDidStart() {
    return listener;
  },
};
