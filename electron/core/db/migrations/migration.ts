/** A schema step. `up` runs inside a transaction together with its bookkeeping row. */
export interface Migration {
  readonly id: number;
  readonly name: string;
  readonly up: string;
}
