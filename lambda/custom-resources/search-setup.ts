/**
 * Custom resource: installs the raw-event index template and retention (ISM) policy, maps the
 * indexer role to a write role and the reader role to a read role plus OpenSearch Dashboards'
 * user role under fine-grained access control. Runs in the VPC, signed as the domain's master role.
 */
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { indexTemplate, retentionPolicy } from '../indexer/bulk';
import { openSearchClient } from '../indexer/opensearch';

/** The OpenSearch security role the indexer is mapped to: write access to the event indices only. */
export function writerRole(prefix: string) {
  return {
    cluster_permissions: ['cluster_composite_ops', 'indices:admin/template/get'],
    index_permissions: [{ index_patterns: [`${prefix}-*`], allowed_actions: ['crud', 'create_index', 'indices:admin/mapping/put'] }],
  };
}

/** The OpenSearch security role readers are mapped to: search the event indices, nothing else. */
export function readerRole(prefix: string) {
  return {
    cluster_permissions: ['cluster_composite_ops_ro'],
    index_permissions: [
      { index_patterns: [`${prefix}-*`], allowed_actions: ['read', 'indices:admin/mappings/get', 'indices:admin/resolve/index'] },
    ],
  };
}

/** Dashboards' built-in user role (saved objects in its own index). */
export const DASHBOARDS_USER = 'opensearch_dashboards_user';

type Client = ReturnType<typeof openSearchClient>;

/** Adds `backendRole` to a role mapping, keeping whatever else an operator mapped there. */
async function addToMapping(client: Client, role: string, backendRole: string): Promise<void> {
  const path = `/_plugins/_security/api/rolesmapping/${role}`;
  const existing = await client.transport.request({ method: 'GET', path }, { ignore: [404] });
  const mapping =
    existing.statusCode === 200
      ? (existing.body as Record<string, { backend_roles?: string[]; users?: string[]; hosts?: string[] }>)[role]
      : undefined;
  const backends = [...new Set([...(mapping?.backend_roles ?? []), backendRole])];
  await client.transport.request({
    method: 'PUT',
    path,
    body: { backend_roles: backends, users: mapping?.users ?? [], hosts: mapping?.hosts ?? [] },
  });
}

export const handler = async (event: CloudFormationCustomResourceEvent) => {
  const p = event.ResourceProperties as unknown as {
    Endpoint: string;
    Prefix: string;
    RetentionDays: string;
    WriterRoleArn: string;
    ReaderRoleArn: string;
  };
  const physical = `clickstream-search-${p.Prefix}`;
  if (event.RequestType === 'Delete') return { PhysicalResourceId: physical };
  const client = openSearchClient(p.Endpoint, process.env.AWS_REGION);
  const role = `${p.Prefix}_writer`;
  await client.transport.request({ method: 'PUT', path: `/_plugins/_security/api/roles/${role}`, body: writerRole(p.Prefix) });
  await client.transport.request({
    method: 'PUT',
    path: `/_plugins/_security/api/rolesmapping/${role}`,
    body: { backend_roles: [p.WriterRoleArn] },
  });
  const reader = `${p.Prefix}_reader`;
  await client.transport.request({ method: 'PUT', path: `/_plugins/_security/api/roles/${reader}`, body: readerRole(p.Prefix) });
  await addToMapping(client, reader, p.ReaderRoleArn);
  await addToMapping(client, DASHBOARDS_USER, p.ReaderRoleArn);
  const template = indexTemplate(p.Prefix);
  await client.transport.request({ method: 'PUT', path: `/_index_template/${p.Prefix}`, body: template });
  // Strict mappings refuse unknown fields: today's index learns the fields a newer contract added.
  await client.transport.request(
    {
      method: 'PUT',
      path: `/${p.Prefix}-*/_mapping`,
      body: { properties: (template.template.mappings as { properties: Record<string, unknown> }).properties },
    },
    { ignore: [404] },
  );
  const policyPath = `/_plugins/_ism/policies/${p.Prefix}-retention`;
  const policy = retentionPolicy(p.Prefix, Number(p.RetentionDays));
  const existing = await client.transport.request({ method: 'GET', path: policyPath }, { ignore: [404] });
  const body = existing.body as { _seq_no?: number; _primary_term?: number };
  const guard = existing.statusCode === 200 ? { if_seq_no: body._seq_no, if_primary_term: body._primary_term } : {};
  await client.transport.request({ method: 'PUT', path: policyPath, querystring: guard, body: policy });
  return { PhysicalResourceId: physical };
};
