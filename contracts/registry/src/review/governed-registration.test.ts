import type { Principal } from '@fieldmesh/auth';
import { beforeEach, describe, expect, it } from 'vitest';
import type { RegistryAuth } from '../auth/registry.auth';
import { RegistryErrors } from '../errors';
import { RegistryService } from '../registry.service';
import { RegistryState } from '../store/registry.state';
import type { SchemaLog } from '../store/schema-log';
import type { LogRecord } from '../store/schema-log.records';
import type { ContractAuditLog } from './contract-audit.log';
import type { LineageSource } from './downstream.impact';
import { GovernedRegistration } from './governed-registration';
import { ReviewService } from './review.service';
import { ReviewState } from './review.state';
import type { ContractAuditEvent } from './review.types';

const ID = 'asset-health.scores';
const SUBJECT = 'asset-health.scores.v1-value';
const lead: Principal = { tokenId: 't-lead', name: 'lead', role: 'governance-lead', domains: ['*'] };
const reading = (...extra: object[]) => ({ type: 'record', name: 'Reading', namespace: 'fieldmesh.test', fields: [{ name: 'deviceId', type: 'string' }, ...extra] });
const v1 = reading();
const hotfix = reading({ name: 'model', type: 'string', default: 'm1' });
const body = (schema: object) => ({ schema: JSON.stringify(schema) });
const override = { overrideReason: 'INC-42: scorer must ship the hotfix tonight' };

const contract = {
  apiVersion: 'fieldmesh.dev/v1',
  kind: 'DataContract',
  id: ID,
  version: '1.0.0',
  status: 'approved',
  domain: 'asset-health',
  dataProduct: 'scores',
  description: { purpose: 'Scores' },
  owner: { team: 'asset-health', contact: 'asset-health@fieldmesh.example' },
  schema: { type: 'avro', ref: 'schemas/asset-health/Reading.avsc' },
  kafka: { topic: 'asset-health.scores.v1', partitions: 1, replicationFactor: 1, key: 'deviceId' },
  compatibility: 'BACKWARD',
  retention: { kafka: 'P7D', warehouse: 'P365D' },
  slos: { freshness: { maxAge: 'PT1M' }, completeness: { minRatio: 0.99, window: 'PT15M' } },
  fields: { deviceId: { description: 'Device', classification: 'internal' } },
};

/** How the next audit write fails: before anything is written, or after the event landed (its read-back timed out). */
type AuditFault = 'lost' | 'landed-unconfirmed';

/**
 * The registry's services over in-memory logs that apply records as Kafka's would be read back, with
 * faults injected into the next audit or schema write. `instance()` adds another registry instance on
 * the same logs, as two instances share the same topics.
 */
function registryOnMemoryLogs() {
  const auditRecords: ContractAuditEvent[] = [];
  const schemaRecords: LogRecord[] = [];
  const faults: { audit?: AuditFault; schema?: boolean } = {};

  const instance = () => {
    const reviewState = new ReviewState();
    const registryState = new RegistryState();
    let auditApplied = 0;
    let schemaApplied = 0;
    const catchUp = () => {
      for (; auditApplied < auditRecords.length; auditApplied++) reviewState.apply(auditRecords[auditApplied]!);
      for (; schemaApplied < schemaRecords.length; schemaApplied++) registryState.apply(schemaRecords[schemaApplied]!);
    };
    const auditLog = {
      sync: async () => catchUp(),
      append: async (event: ContractAuditEvent) => {
        const fault = faults.audit;
        delete faults.audit;
        if (fault === 'lost') throw RegistryErrors.storeError('the broker is unreachable');
        auditRecords.push(event);
        if (fault === 'landed-unconfirmed') throw RegistryErrors.storeTimeout('audit event was not read back in time');
        catchUp();
        return reviewState.audit().at(-1) === event ? 'accepted' : RegistryErrors.lifecycleConflict('not applied');
      },
    } as unknown as ContractAuditLog;
    const schemaLog = {
      sync: async () => catchUp(),
      append: async (records: LogRecord[]) => {
        if (faults.schema) {
          faults.schema = false;
          throw RegistryErrors.storeError('the broker is unreachable');
        }
        const first = schemaRecords.length;
        schemaRecords.push(...records);
        const outcomes = records.map((record) => registryState.apply(record));
        schemaApplied = first + records.length;
        return outcomes;
      },
    } as unknown as SchemaLog;
    const registry = new RegistryService(registryState, schemaLog);
    const review = new ReviewService(reviewState, auditLog, {} as LineageSource);
    const auth = { authorize: () => lead } as unknown as RegistryAuth;
    return { governed: new GovernedRegistration(registry, review, auth), review, registry };
  };

  const first = instance();
  return {
    ...first,
    instance,
    faults,
    overrides: () => first.review.audit(ID).filter((event) => event.type === 'OVERRIDE'),
    versions: () => first.registry.listVersions(SUBJECT, true),
  };
}

describe('an emergency override in governed mode', () => {
  let registry: ReturnType<typeof registryOnMemoryLogs>;

  beforeEach(async () => {
    registry = registryOnMemoryLogs();
    await registry.review.baseline({ contract, schema: v1 }, { name: 'lead', role: 'governance-lead' });
    await registry.governed.register(SUBJECT, body(v1), lead, {});
  });

  it('is audited before it registers: an audit write that fails leaves nothing registered, and the retry is audited once', async () => {
    registry.faults.audit = 'lost';
    await expect(registry.governed.register(SUBJECT, body(hotfix), lead, override)).rejects.toMatchObject({ errorCode: 50001 });
    expect(registry.versions()).toEqual([1]);
    expect(registry.overrides()).toEqual([]);

    const retried = await registry.governed.register(SUBJECT, body(hotfix), lead, override);
    expect(registry.versions()).toEqual([1, 2]);
    expect(registry.overrides()).toEqual([
      expect.objectContaining({
        by: 'lead',
        subject: SUBJECT,
        comment: `INC-42: scorer must ship the hotfix tonight (to register as ${SUBJECT} version 2, bypassing: it matches no approved version of contract ${ID} (approved: 1.0.0))`,
      }),
    ]);
    // Its producers register it again at every start: nothing more to audit.
    expect(await registry.governed.register(SUBJECT, body(hotfix), lead, {})).toEqual(retried);
    expect(registry.overrides()).toHaveLength(1);
  });

  it('is audited once when the first audit write landed but was not confirmed', async () => {
    registry.faults.audit = 'landed-unconfirmed';
    await expect(registry.governed.register(SUBJECT, body(hotfix), lead, override)).rejects.toMatchObject({ errorCode: 50002 });
    expect(registry.versions()).toEqual([1]);

    await registry.governed.register(SUBJECT, body(hotfix), lead, override);
    expect(registry.versions()).toEqual([1, 2]);
    expect(registry.overrides()).toHaveLength(1);
  });

  it('is audited once when the registration after its audit failed and the request is retried, on this or another instance', async () => {
    registry.faults.schema = true;
    await expect(registry.governed.register(SUBJECT, body(hotfix), lead, override)).rejects.toMatchObject({ errorCode: 50001 });
    expect(registry.overrides()).toHaveLength(1);

    const other = registry.instance();
    await other.governed.register(SUBJECT, body(hotfix), lead, override);
    await registry.governed.register(SUBJECT, body(hotfix), lead, override);
    expect(registry.versions()).toEqual([1, 2]);
    expect(registry.overrides()).toHaveLength(1);
    expect(other.review.audit(ID)).toEqual(registry.review.audit(ID));
  });

  it('is one override when two instances audit the same retry at once', async () => {
    const other = registry.instance();
    await Promise.all([registry.governed.register(SUBJECT, body(hotfix), lead, override), other.governed.register(SUBJECT, body(hotfix), lead, override)]);
    expect(registry.versions()).toEqual([1, 2]);
    expect(registry.overrides()).toHaveLength(1);
  });

  it('is audited again when the same schema is forced in again after it was deleted', async () => {
    await registry.governed.register(SUBJECT, body(hotfix), lead, override);
    await registry.registry.deleteVersion(SUBJECT, '2', false);
    await registry.governed.register(SUBJECT, body(hotfix), lead, override);
    expect(registry.versions()).toEqual([1, 2, 3]);
    expect(registry.overrides().map((event) => event.comment)).toEqual([expect.stringContaining(`${SUBJECT} version 2,`), expect.stringContaining(`${SUBJECT} version 3,`)]);
  });
});
