import fc from 'fast-check';

/** A JSON schema as the specs write them (OpenAPI 3.0's subset), loosely typed. */
export interface Schema {
  $ref?: string;
  type?: string;
  enum?: unknown[];
  format?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  allOf?: Schema[];
  example?: unknown;
  nullable?: boolean;
}

/** Follows local `$ref`s (`#/components/schemas/X`) in `doc`. */
export function resolveRef(doc: unknown, schema: Schema): Schema {
  let current = schema;
  for (let hops = 0; current.$ref && hops < 20; hops++) {
    let node: unknown = doc;
    for (const part of current.$ref.replace(/^#\//, '').split('/')) node = (node as Record<string, unknown>)[part];
    current = (node ?? {}) as Schema;
  }
  return current;
}

/**
 * A fast-check arbitrary of values that mostly fit `schema` (what a careful client sends),
 * from which the mutations below make what a careless or hostile one sends. Depth-limited.
 */
export function fromSchema(doc: unknown, raw: Schema, depth = 0): fc.Arbitrary<unknown> {
  const schema = resolveRef(doc, raw);
  if (depth > 6) return fc.constant(null);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const variants = schema.oneOf ?? schema.anyOf;
  if (variants) return fc.oneof(...variants.map((v) => fromSchema(doc, v, depth + 1)));
  if (schema.allOf) {
    const merged: Schema = { type: 'object', properties: {}, required: [] };
    for (const part of schema.allOf.map((p) => resolveRef(doc, p))) {
      Object.assign(merged.properties as object, part.properties);
      merged.required?.push(...(part.required ?? []));
    }
    return fromSchema(doc, merged, depth + 1);
  }
  const examples: unknown[] = schema.example === undefined ? [] : [schema.example];
  const withExample = (arb: fc.Arbitrary<unknown>) => (examples.length ? fc.oneof(arb, fc.constantFrom(...examples)) : arb);
  switch (schema.type ?? (schema.properties ? 'object' : undefined)) {
    case 'integer':
      return withExample(fc.integer({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1_000_000 }));
    case 'number':
      return withExample(fc.double({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6, noNaN: true }));
    case 'boolean':
      return fc.boolean();
    case 'string':
      if (schema.format === 'date-time') return withExample(fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString()));
      if (schema.format === 'email') return fc.emailAddress();
      return withExample(fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 40, 40) }));
    case 'array':
      return fc.array(fromSchema(doc, schema.items ?? {}, depth + 1), { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 3, 3) });
    case 'object': {
      const props = Object.entries(schema.properties ?? {});
      const required = new Set(schema.required ?? []);
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [name, prop] of props) record[name] = fromSchema(doc, prop, depth + 1);
      return fc.record(record, { requiredKeys: props.map(([name]) => name).filter((name) => required.has(name)) });
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** Values nobody should send, and the server must still answer in its envelope. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1.5, -0.0001, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, 2 ** 53, '', ' ', '0', 'null', '__proto__', 'constructor', '\u0000', '\u202e\ud83d\ude00', 'é'.normalize('NFD'), '\ud800'),
  fc.string({ maxLength: 20, unit: 'binary' }),
  fc.string({ minLength: 300, maxLength: 5000 }),
  fc.integer(),
  fc.double(),
  fc.jsonValue({ maxDepth: 3 }),
  fc.constant({ __proto__: { polluted: 'yes' } }),
  fc.constant(JSON.parse('{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}}')),
  fc.integer({ min: 1, max: 400 }).map((n) => JSON.parse('['.repeat(n) + ']'.repeat(n))),
  fc.nat(300).map((n) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]))),
);

/**
 * One mutation of a valid value: a field of the wrong type, one missing or extra, null in place
 * of an object, a wrong type at the top. Applied at a random depth.
 */
export function mutate(value: unknown): fc.Arbitrary<unknown> {
  return fc.tuple(fc.nat(), fc.nat(5), hostileValue, fc.string({ maxLength: 12 })).map(([pick, kind, hostile, extraKey]) => {
    const copy = structuredClone(value) as unknown;
    // Every container in the value, the top included: one of them is mutated.
    const containers: (Record<string, unknown> | unknown[])[] = [];
    const walk = (v: unknown) => {
      if (v !== null && typeof v === 'object') {
        containers.push(v as Record<string, unknown>);
        for (const child of Object.values(v)) walk(child);
      }
    };
    walk(copy);
    if (containers.length === 0 || kind === 0) return hostile;
    const target = containers[pick % containers.length] as Record<string, unknown>;
    const keys = Object.keys(target);
    const key = keys.length ? (keys[pick % keys.length] as string) : '0';
    if (kind === 1) target[key] = hostile;
    else if (kind === 2) delete target[key];
    else if (kind === 3 && Array.isArray(target)) target.push(hostile);
    else if (kind === 3) Object.defineProperty(target, extraKey || 'extra', { value: hostile, enumerable: true, writable: true, configurable: true });
    else if (kind === 4) target[key] = null;
    else return [copy, hostile];
    return copy;
  });
}
