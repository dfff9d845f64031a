/**
 * Custom resource: applies sql/migrations to Redshift through the Data API (as the admin
 * secret), then gives each writer role its database user and grants. Runs on every deploy
 * whose migration files changed; migrations already applied are skipped.
 */
import { RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { DataApiExecutor } from '../../warehouse/data-api';
import type { StatementExecutor } from '../../warehouse/executor';
import { literal } from '../../warehouse/literal';
import { migrate, readMigrations } from '../../warehouse/migrations';

/** The database user Redshift Serverless maps an IAM role's temporary credentials to. */
export const iamUser = (roleName: string) => `IAMR:${roleName}`;

/** The statements that let a role's user read and write the tables, creating the user if needed. */
export function grantStatements(user: string, exists: boolean): string[] {
  const quoted = `"${user.replace(/"/g, '""')}"`;
  return [
    ...(exists ? [] : [`CREATE USER ${quoted} PASSWORD DISABLE`]),
    `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${quoted}`,
  ];
}

/**
 * Gives a writer role its database user and grants, whatever case Redshift stored the name in:
 * Redshift folds identifiers (quoted ones too) to lower case unless enable_case_sensitive_identifier
 * is on, so the user is looked up case-insensitively and granted under the name it really has.
 */
export async function ensureWriter(executor: StatementExecutor, roleName: string): Promise<void> {
  const user = iamUser(roleName);
  const found = await executor.query(`SELECT usename FROM pg_user WHERE LOWER(usename) = LOWER(${literal(user)})`);
  await executor.transaction(found.length > 0 ? grantStatements(String(found[0].usename).trim(), true) : grantStatements(user, false));
}

export const handler = async (event: CloudFormationCustomResourceEvent) => {
  const p = event.ResourceProperties as unknown as {
    WorkgroupName: string;
    Database: string;
    SecretArn: string;
    WriterRoleNames: string[];
  };
  const physical = `clickstream-migrations-${p.Database}`;
  if (event.RequestType === 'Delete') return { PhysicalResourceId: physical };
  const executor = new DataApiExecutor(new RedshiftDataClient({}), {
    workgroupName: p.WorkgroupName,
    database: p.Database,
    secretArn: p.SecretArn,
  });
  const applied = await migrate(executor, 'redshift', readMigrations(process.env.MIGRATIONS_DIR));
  // Reading the aggregates takes IAM rights on the workgroup (GetCredentials) in the first place;
  // inside the database every user may read them, so `clickstream query` works with IAM.
  await executor.query('GRANT SELECT ON ALL TABLES IN SCHEMA public TO PUBLIC');
  for (const role of p.WriterRoleNames) await ensureWriter(executor, role);
  return { PhysicalResourceId: physical, Data: { Applied: applied.join(',') || 'none' } };
};
