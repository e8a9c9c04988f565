/**
 * The audit log's hash chain, pure: how a row's hash is computed, and the checks `scimgate audit
 * verify` runs over the rows in seq order. Each row's hash is SHA-256 over a canonical encoding of
 * its columns and the previous row's hash, so an edited row no longer matches its hash, a row
 * edited with a recomputed hash no longer matches the next row's `prevHash`, and a deleted or
 * inserted row breaks the seq run or the link. Retention deletes whole prefixes only and appends an
 * `audit.pruned` row naming the cut (the last deleted seq and its hash), so a chain may start there.
 *
 * What a chain cannot show on its own: rows cut from the *end*, or a chain rewritten from the edit
 * onwards by someone who can write the database. For those it takes an anchor kept elsewhere: a
 * head (seq and hash) the server logged earlier, or `verify` printed, checked with `expected`.
 */
import { sha256 } from '../crypto/sha256.js';
import type { AuditRow } from '../persistence/audit.js';

/** The prevHash of the first row ever written. */
export const GENESIS_HASH = '0'.repeat(64);

/** The type of the row a retention prune appends; its data names the cut. */
export const PRUNED_TYPE = 'audit.pruned';

export interface PrunedData {
  /** The last seq deleted. */
  through: number;
  /** That row's hash: the first kept row's prevHash. */
  hash: string;
  /** Rows older than this were eligible. */
  before: string;
  deleted: number;
  /** What ran it: `schedule` (the server's hourly retention) or `manual` (`scimgate audit prune`). */
  trigger?: PruneTrigger;
}

export type PruneTrigger = 'schedule' | 'manual';

type Hashed = Omit<AuditRow, 'hash'>;

/**
 * A JSON array of the stored values in a fixed order: unambiguous (strings are quoted and
 * escaped, null is not ""), and computed from exactly what is stored, so a reader recomputes it
 * without knowing how `data` was produced.
 */
export function canonicalEncoding(row: Hashed): string {
  return JSON.stringify([row.seq, row.occurredAt, row.type, row.actor, row.userId, row.requestId, row.data, row.prevHash]);
}

export function rowHash(row: Hashed): string {
  return sha256(canonicalEncoding(row), 'hex');
}

export type ChainProblemKind = 'hash-mismatch' | 'broken-link' | 'missing-rows' | 'bad-start' | 'bad-data' | 'anchor-mismatch' | 'anchor-missing';

/** A row's seq and hash as seen earlier and kept outside the database (a logged auditHead). */
export interface ChainAnchor {
  seq: number;
  hash: string;
}

export interface ChainProblem {
  /** The first row found wrong (for missing rows: the row after the gap). */
  seq: number;
  kind: ChainProblemKind;
  detail: string;
}

export interface ChainReport {
  rows: number;
  first?: { seq: number; prevHash: string };
  head?: { seq: number; hash: string };
  /** The first problem in seq order; undefined when the chain is intact. */
  problem?: ChainProblem;
}

/**
 * Walks rows in seq order (one at a time: the table is never loaded whole) and stops at the first
 * problem. Call `add` for each row, then `finish`.
 */
export function createChainVerifier(expected: readonly ChainAnchor[] = []): { add(row: AuditRow): boolean; finish(): ChainReport } {
  const report: ChainReport = { rows: 0 };
  const unseen = new Map(expected.map((anchor) => [anchor.seq, anchor]));
  let previous: AuditRow | undefined;
  /** The latest retention cut seen in the chain: it must explain where the chain starts. */
  let lastCut: PrunedData | undefined;
  let cutSeq = 0;

  const problem = (seq: number, kind: ChainProblemKind, detail: string): boolean => {
    report.problem = { seq, kind, detail };
    return false;
  };

  return {
    add(row) {
      if (report.problem) return false;
      report.rows += 1;
      if (previous === undefined) {
        report.first = { seq: row.seq, prevHash: row.prevHash };
        if (row.seq === 1 && row.prevHash !== GENESIS_HASH) return problem(row.seq, 'bad-start', 'the first row does not start from the genesis hash');
      } else if (row.seq !== previous.seq + 1) {
        const missing = row.seq - previous.seq - 1;
        return problem(row.seq, 'missing-rows', missing > 0 ? `row ${row.seq} follows row ${previous.seq}: ${missing} row(s) missing` : `row ${row.seq} follows row ${previous.seq}: out of order`);
      } else if (row.prevHash !== previous.hash) {
        return problem(row.seq, 'broken-link', `prev_hash does not match row ${previous.seq}'s hash (that row was replaced, or this one)`);
      }
      if (rowHash(row) !== row.hash) return problem(row.seq, 'hash-mismatch', 'hash does not match the row\'s content (edited)');
      const anchor = unseen.get(row.seq);
      if (anchor) {
        unseen.delete(row.seq);
        if (anchor.hash !== row.hash) return problem(row.seq, 'anchor-mismatch', `row ${row.seq} has hash ${row.hash}, not the expected ${anchor.hash} (the chain was rewritten from there or earlier)`);
      }
      if (row.type === PRUNED_TYPE) {
        const cut = parseCut(row.data);
        if (!cut) return problem(row.seq, 'bad-data', 'an audit.pruned row without a readable cut');
        lastCut = cut;
        cutSeq = row.seq;
      }
      previous = row;
      report.head = { seq: row.seq, hash: row.hash };
      return true;
    },
    finish() {
      const first = report.first;
      if (!report.problem && first && first.seq !== 1) {
        // The chain starts after a cut: the latest audit.pruned row must name exactly this start.
        if (!lastCut) {
          report.problem = { seq: first.seq, kind: 'bad-start', detail: `the chain starts at row ${first.seq} but no audit.pruned row records a cut there (rows 1–${first.seq - 1} deleted)` };
        } else if (lastCut.through !== first.seq - 1 || lastCut.hash !== first.prevHash) {
          report.problem = {
            seq: first.seq,
            kind: 'bad-start',
            detail: `the chain starts at row ${first.seq}, but the latest cut (row ${cutSeq}) ends at row ${lastCut.through}${lastCut.through === first.seq - 1 ? ' with another hash' : ''}`,
          };
        }
      }
      if (!report.problem) checkUnseen();
      return report;
    },
  };

  /** Expected rows not met in the walk: gone, unless a retention cut covers them. */
  function checkUnseen(): void {
    for (const anchor of [...unseen.values()].sort((a, b) => a.seq - b.seq)) {
      const first = report.first;
      const cut = lastCut !== undefined && first !== undefined && anchor.seq < first.seq && anchor.seq <= lastCut.through ? lastCut : undefined;
      if (cut === undefined) {
        report.problem = {
          seq: anchor.seq,
          kind: 'anchor-missing',
          detail: `expected row ${anchor.seq} is gone and no retention cut covers it (${report.head ? `the chain ends at row ${report.head.seq}` : 'the log is empty'}): rows were cut from the end`,
        };
        return;
      }
      if (cut.through === anchor.seq && cut.hash !== anchor.hash) {
        report.problem = { seq: anchor.seq, kind: 'anchor-mismatch', detail: `the cut recorded row ${anchor.seq} with hash ${cut.hash}, not the expected ${anchor.hash}` };
        return;
      }
    }
  }
}

function parseCut(data: string | null): PrunedData | undefined {
  if (data === null) return undefined;
  try {
    const value = JSON.parse(data) as Partial<PrunedData>;
    return typeof value.through === 'number' && typeof value.hash === 'string' ? (value as PrunedData) : undefined;
  } catch {
    return undefined;
  }
}
