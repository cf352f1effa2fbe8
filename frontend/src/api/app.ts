// The server's identity: version, database and data directory (GET /api/app/info).

import { call, client } from "./client";
import type { components } from "./schema.gen";

export type AppInfo = components["schemas"]["AppInfo"];

export const getAppInfo = () => call(client.GET("/api/app/info"));
