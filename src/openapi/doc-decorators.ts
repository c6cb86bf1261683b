import type * as Swagger from '@nestjs/swagger';

/*
 * The @nestjs/swagger decorators the code uses, recorded instead of applied. Importing the generator
 * costs ~56 MB of RSS, so the running server never loads it: the document is built once, at build time
 * (src/openapi.build.ts), which replays these records onto the real decorators before scanning.
 * The options stay the generator's own types, so a controller reads exactly as with @nestjs/swagger.
 */

export interface DocRecord {
  decorator: DocDecoratorName;
  args: unknown[];
  target: object;
  key?: string | symbol;
  descriptor?: PropertyDescriptor;
}

type DocDecoratorName =
  'ApiBody' | 'ApiConsumes' | 'ApiHeader' | 'ApiOperation' | 'ApiProperty' | 'ApiResponse' | 'ApiSecurity' | 'ApiTags';

const records: DocRecord[] = [];

/** Every decoration so far, in the order TypeScript applied them. */
export const docRecords = (): readonly DocRecord[] => records;

function recorded<Name extends DocDecoratorName>(decorator: Name): (typeof Swagger)[Name] {
  return (...args: unknown[]) =>
    (target: object, key?: string | symbol, descriptor?: PropertyDescriptor) => {
      records.push({ decorator, args, target, key, descriptor });
    };
}

export const ApiBody = recorded('ApiBody');
export const ApiConsumes = recorded('ApiConsumes');
export const ApiHeader = recorded('ApiHeader');
export const ApiOperation = recorded('ApiOperation');
export const ApiProperty = recorded('ApiProperty');
export const ApiResponse = recorded('ApiResponse');
export const ApiSecurity = recorded('ApiSecurity');
export const ApiTags = recorded('ApiTags');

export const ApiOkResponse = (options: Swagger.ApiResponseOptions): MethodDecorator => ApiResponse({ ...options, status: 200 });
export const ApiAcceptedResponse = (options: Swagger.ApiResponseOptions): MethodDecorator => ApiResponse({ ...options, status: 202 });

/** The options of each ApiProperty recorded on a class (a DTO) and the classes it extends, by property name. */
export function propertyDocs(type: object): Map<string, Swagger.ApiPropertyOptions> {
  const parent = Object.getPrototypeOf(type) as object;
  const docs =
    typeof parent === 'function' && parent !== Function.prototype ? propertyDocs(parent) : new Map<string, Swagger.ApiPropertyOptions>();
  for (const { decorator, target, key, args } of records) {
    if (decorator === 'ApiProperty' && target === (type as { prototype: object }).prototype && typeof key === 'string') {
      docs.set(key, args[0] ?? {});
    }
  }
  return docs;
}
