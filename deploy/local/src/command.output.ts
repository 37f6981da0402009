/** Where a command writes: results on `out`, progress and problems on `err`. */
export interface Output {
  out: (line: string) => void;
  err: (line: string) => void;
}
