/**
 * Masks every secret the run handled (API keys, client secrets, access tokens and the Basic
 * header built from them) in any text a report or log writes.
 */
export class Redactor {
  private readonly secrets = new Set<string>();

  add(secret: string | undefined): void {
    if (!secret || secret.length < 4) return;
    this.secrets.add(secret);
    this.secrets.add(encodeURIComponent(secret));
  }

  text(input: string): string {
    let out = input;
    for (const secret of [...this.secrets].sort((a, b) => b.length - a.length)) out = out.split(secret).join('***');
    return out;
  }

  /** A deep copy of `value` with every string masked. */
  value<T>(value: T): T {
    return JSON.parse(this.text(JSON.stringify(value) ?? 'null')) as T;
  }
}
