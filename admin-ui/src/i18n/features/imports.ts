/**
 * Messages of the imports screens, in both languages. Keys are prefixed by their screen; the
 * English object must have exactly the Japanese keys (the compiler checks).
 */
export const importsJa = {
} as const;

export const importsEn: { readonly [K in keyof typeof importsJa]: string } = {
};
