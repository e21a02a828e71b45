import { z } from "zod";

/**
 * JSON schema of the zod subset tool parameters use (objects, strings, numbers, booleans, arrays,
 * enums, literals, optionals, defaults, descriptions) — what a model's constrained decoding and an
 * OpenAI-style tool list need. Anything else becomes `{}` (accept any value) rather than failing.
 */
export function zodToJsonSchema(schema: z.ZodTypeAny): Record<string, unknown> {
  const out = convert(schema);
  if (schema.description) out["description"] = schema.description;
  return out;
}

function convert(schema: z.ZodTypeAny): Record<string, unknown> {
  const def = schema._def as { typeName?: string; description?: string };
  const described = (o: Record<string, unknown>) => (def.description ? { ...o, description: def.description } : o);
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable) return convert(schema.unwrap());
  if (schema instanceof z.ZodDefault) return { ...convert(schema._def.innerType), default: schema._def.defaultValue() };
  if (schema instanceof z.ZodString) return described({ type: "string" });
  if (schema instanceof z.ZodNumber) return described({ type: schema.isInt ? "integer" : "number" });
  if (schema instanceof z.ZodBoolean) return described({ type: "boolean" });
  if (schema instanceof z.ZodEnum) return described({ type: "string", enum: [...schema.options] });
  if (schema instanceof z.ZodLiteral) return described({ const: schema.value });
  if (schema instanceof z.ZodArray) {
    const o: Record<string, unknown> = { type: "array", items: convert(schema.element) };
    if (schema._def.minLength) o["minItems"] = schema._def.minLength.value;
    if (schema._def.maxLength) o["maxItems"] = schema._def.maxLength.value;
    return described(o);
  }
  if (schema instanceof z.ZodObject) {
    const shape = schema.shape as Record<string, z.ZodTypeAny>;
    const properties: Record<string, unknown> = {};
    const required: string[] = [];
    for (const [key, value] of Object.entries(shape)) {
      properties[key] = zodToJsonSchema(value);
      if (!value.isOptional()) required.push(key);
    }
    return described({ type: "object", properties, required, additionalProperties: false });
  }
  return described({});
}
