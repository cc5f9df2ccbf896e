/**
 * Messages of the insights screens, in both languages. Keys are prefixed by their screen; the
 * English object must have exactly the Japanese keys (the compiler checks).
 */
export const insightsJa = {
} as const;

export const insightsEn: { readonly [K in keyof typeof insightsJa]: string } = {
};
