import { BadUserInputError } from "@ops/service-kit";
import type { NotificationTemplate as TemplateRow } from "../domain/notification.js";
import { checkTemplate } from "../domain/checkTemplate.js";
import { documentedVariables } from "@ops/rules";

export const NotificationTemplate = {
  variables: (t: TemplateRow) => {
    const used = new Set<string>();
    for (const [source, field] of [[t.subjectTemplate, "subjectTemplate"], [t.bodyTemplate, "bodyTemplate"]] as const) {
      // A template written straight into the database may not pass; report what can be known.
      try {
        for (const name of checkTemplate(source, field).variables) used.add(name);
      } catch (err) {
        if (!(err instanceof BadUserInputError)) throw err;
      }
    }
    return documentedVariables().map((v) => v.name).filter((name) => used.has(name));
  },
};
