export interface Ledger {
  present: Set<string>;
  deleted: Set<string>;
  deleting: Set<string>;
}
export function newLedger(): Ledger;
export function writeThenKill(ledger: Ledger, run: { file: string; round: number; killAfter: number; compactAfter?: string | number }): Promise<number>;
export function lossesOf(ledger: Ledger, stored: Set<string>): { lostPuts: string[]; undoneDeletes: string[]; landedInFlightDeletes: number };
