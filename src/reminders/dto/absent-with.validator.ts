import {
  registerDecorator,
  type ValidationArguments,
  type ValidationOptions,
} from 'class-validator';

/** The property may not be given together with `other` (two ways of saying one thing). */
export function IsAbsentWith(other: string, options?: ValidationOptions): PropertyDecorator {
  return (object, propertyName) => {
    registerDecorator({
      name: 'absentWith',
      target: object.constructor,
      propertyName: propertyName as string,
      constraints: [other],
      options: { message: `$property and ${other} cannot both be given`, ...options },
      validator: {
        validate(value: unknown, args: ValidationArguments): boolean {
          const record = args.object as Record<string, unknown>;
          return value === undefined || record[other] === undefined;
        },
      },
    });
  };
}
