import { registerDecorator, type ValidationOptions } from 'class-validator';

const TARGET_KEYS = ['userId', 'room', 'all'] as const;

/** The target object names exactly one of `userId`, `room` and `all`. */
export function IsExactlyOneTarget(options?: ValidationOptions): PropertyDecorator {
  return (object, propertyName) => {
    registerDecorator({
      name: 'exactlyOneTarget',
      target: object.constructor,
      propertyName: propertyName as string,
      options: {
        message: `$property must name exactly one of ${TARGET_KEYS.join(', ')}`,
        ...options,
      },
      validator: {
        validate(value: unknown): boolean {
          if (typeof value !== 'object' || value === null) return false;
          const record = value as Record<string, unknown>;
          return TARGET_KEYS.filter((key) => record[key] !== undefined).length === 1;
        },
      },
    });
  };
}
