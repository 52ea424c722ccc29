import type { ValidationError } from 'class-validator';

/** One invalid field of a message: its dotted path and each failed constraint with its text. */
export interface FieldViolation {
  field: string;
  constraints: Record<string, string>;
}

/** Flattens class-validator's tree of errors into one entry per invalid field. */
export function toFieldViolations(
  errors: readonly ValidationError[],
  prefix = '',
): FieldViolation[] {
  const out: FieldViolation[] = [];
  for (const error of errors) {
    const field = prefix === '' ? error.property : `${prefix}.${error.property}`;
    if (error.constraints !== undefined) out.push({ field, constraints: { ...error.constraints } });
    if (error.children !== undefined && error.children.length > 0) {
      out.push(...toFieldViolations(error.children, field));
    }
  }
  return out;
}
