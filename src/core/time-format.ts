/** `2023-05-01 14:30:00`: NorCap's documented timestamp format, always UTC. */
export function toSqlDateTimeUtc(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

/** `2023-11-07T05:31:56Z`: ISO 8601 UTC to the second, as Nova publishes its timestamps. */
export function toIsoSecondsUtc(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}
