/**
 * Checks a real response against what openapi.yaml says that operation answers: the status is
 * listed, each header documented as `required: true` is present, and a JSON body validates
 * against the documented schema (JSON Schema 2020-12, which OpenAPI 3.1 schemas are). Other
 * media types (the sign-in HTML pages) are checked for being documented, not parsed.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { OpenApiDocument } from './openapi-routes.js';

/** The document's own base URI inside ajv, so `#/components/...` refs resolve against it. */
const DOC_ID = 'https://scimgate.test/openapi.json';

interface HeaderObject {
  required?: boolean;
  $ref?: string;
}

interface ResponseObject {
  headers?: Record<string, HeaderObject>;
  content?: Record<string, { schema?: { $ref?: string } }>;
  $ref?: string;
}

export interface ResponseCheck {
  /** Problems found; empty when the response matches the document. */
  problems: string[];
}

function resolve(doc: OpenApiDocument, ref: string): unknown {
  // Only local refs occur in openapi.yaml: '#/components/responses/User'.
  return ref
    .replace(/^#\//, '')
    .split('/')
    .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], doc);
}

export type ResponseChecker = (method: string, path: string, response: Response) => Promise<ResponseCheck>;

/** `path` is the OpenAPI path (`/scim/v2/Users/{id}`); the response body is consumed. */
export function createResponseChecker(doc: OpenApiDocument): ResponseChecker {
  // The document is not itself a schema; ajv only needs it as a container to resolve refs in.
  // Formats are annotations here (ajv-formats would be one more dependency for little gain).
  const ajv = new Ajv2020({ strict: false, validateFormats: false, validateSchema: false, allErrors: true });
  ajv.addSchema({ ...doc, $id: DOC_ID });

  return async function check(method: string, path: string, response: Response): Promise<ResponseCheck> {
    const problems: string[] = [];
    const operation = doc.paths[path]?.[method.toLowerCase()] as { responses?: Record<string, ResponseObject> } | undefined;
    if (!operation?.responses) return { problems: [`${method} ${path} is not documented`] };
    let documented = operation.responses[String(response.status)] ?? operation.responses.default;
    if (!documented) return { problems: [`${method} ${path} does not document status ${response.status}`] };
    if (documented.$ref) documented = resolve(doc, documented.$ref) as ResponseObject;

    for (const [header, declared] of Object.entries(documented.headers ?? {})) {
      // OpenAPI headers are optional unless `required: true` (X-Auth-Request-Email is absent without an e-mail).
      const object = declared.$ref ? (resolve(doc, declared.$ref) as HeaderObject) : declared;
      if (object.required === true && !response.headers.has(header)) problems.push(`header ${header} is documented but missing`);
    }
    const text = await response.text();
    const media = response.headers.get('content-type')?.split(';')[0]?.trim();
    if (!documented.content) {
      if (text !== '') problems.push(`no body is documented but one was sent: ${text.slice(0, 200)}`);
      return { problems };
    }
    const content = media === undefined ? undefined : documented.content[media];
    if (!content) return { problems: [...problems, `media type ${media ?? '(none)'} is not documented`] };
    if (!isJson(media)) {
      if (text === '') problems.push(`a ${media} body is documented but none was sent`);
      return { problems };
    }
    const ref = content.schema?.$ref;
    if (!ref) return { problems: [...problems, 'documented schema is not a $ref to a component'] };
    const validate = ajv.getSchema(`${DOC_ID}${ref}`);
    if (!validate) return { problems: [...problems, `cannot compile ${ref}`] };
    if (!validate(JSON.parse(text))) {
      problems.push(...(validate.errors ?? []).map((e) => `body${e.instancePath} ${e.message ?? ''} (${e.schemaPath})`));
    }
    return { problems };
  };
}

/** `application/json`, `application/scim+json` and other `+json` types. */
function isJson(media: string | undefined): boolean {
  return media === 'application/json' || /^application\/[a-z0-9.-]+\+json$/.test(media ?? '');
}
