import { signedHeaders } from '@msync/auth';
import { TEST_ADMIN_TOKEN } from './service-process';

export interface TestApp {
  appKey: string;
  secret: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(`${status} ${code}: ${message}`);
  }
}

async function call<T>(url: string, headers: Record<string, string>, body?: unknown, method = 'POST'): Promise<T> {
  if (method === 'GET') body = undefined;
  const res = await fetch(url, { method, headers: { 'content-type': 'application/json', ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
  const json = (await res.json()) as T & { code?: string; message?: string };
  if (!res.ok) throw new ApiError(res.status, json.code ?? '', json.message ?? '');
  return json;
}

/** Creates an app through the operator API (a real HTTP call to ingestion). */
export async function createApp(ingestionUrl: string, name = 'test', settings?: Record<string, unknown>): Promise<TestApp> {
  return call<TestApp>(`${ingestionUrl}/admin/v1/apps`, { authorization: `Bearer ${TEST_ADMIN_TOKEN}` }, { name, settings });
}

/** The management API as an app backend calls it: every request signed with the app secret. */
export class ManagementClient {
  constructor(
    readonly baseUrl: string,
    readonly app: TestApp,
  ) {}

  private post<T>(path: string, body?: unknown, method = 'POST'): Promise<T> {
    return call<T>(`${this.baseUrl}${path}`, signedHeaders(this.app.appKey, this.app.secret), body ?? {}, method);
  }

  settings() {
    return this.post<{ version: number; settings: Record<string, unknown> }>('/v1/settings', undefined, 'GET');
  }

  updateSettings(patch: Record<string, unknown>) {
    return this.post<{ version: number; settings: Record<string, unknown> }>('/v1/settings', patch, 'PATCH');
  }

  recall(messageUid: string) {
    return this.post<{ messageUid: string; recalledAt: number }>(`/v1/messages/${messageUid}/recall`);
  }

  presence(userId: string) {
    return this.post<{ online: boolean; sessions: { deviceId: string; platform: string; connectedAt: number }[] }>(`/v1/users/${userId}/presence`, undefined, 'GET');
  }

  devices(userId: string) {
    return this.post<{ devices: { deviceId: string; platform: string; cursor: number; online: boolean; connectedSince: number | null }[] }>(
      `/v1/users/${userId}/devices`,
      undefined,
      'GET',
    );
  }

  logout(userId: string, deviceId?: string) {
    return this.post(`/v1/users/${userId}/logout`, deviceId ? { deviceId } : {});
  }

  block(userId: string, minutes?: number) {
    return this.post(`/v1/users/${userId}/block`, minutes ? { minutes } : {});
  }

  unblock(userId: string) {
    return this.post(`/v1/users/${userId}/unblock`);
  }

  async token(userId: string, ttlSeconds?: number): Promise<string> {
    return (await this.post<{ token: string }>(`/v1/users/${encodeURIComponent(userId)}/tokens`, ttlSeconds ? { ttlSeconds } : {})).token;
  }

  revoke(token: string) {
    return this.post('/v1/tokens/revoke', { token });
  }

  createGroup(groupId: string, members: string[]) {
    return this.post('/v1/groups', { groupId, members });
  }

  addMembers(groupId: string, userIds: string[]) {
    return this.post(`/v1/groups/${groupId}/members`, { userIds });
  }

  removeMembers(groupId: string, userIds: string[]) {
    return this.post(`/v1/groups/${groupId}/members/remove`, { userIds });
  }
}
