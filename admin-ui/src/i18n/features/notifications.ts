/**
 * Messages of the notifications screens, in both languages. Keys are prefixed by their screen; the
 * English object must have exactly the Japanese keys (the compiler checks).
 */
export const notificationsJa = {
} as const;

export const notificationsEn: { readonly [K in keyof typeof notificationsJa]: string } = {
};
