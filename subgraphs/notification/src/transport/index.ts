export * from "./NotificationTransport.js";
export * from "./FileTransport.js";
export * from "./SmtpTransport.js";
export * from "./routeTransport.js";
