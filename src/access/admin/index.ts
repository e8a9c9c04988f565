/** The admin API (/admin/v1): its own bearer token, JSON answers; see admin-routes.ts. */
export { adminRoutes, type AdminRouteDeps } from './admin-routes.js';
export { adminAuth, type AdminAuthCheck, type AdminAuthFailure } from './admin-auth.js';
