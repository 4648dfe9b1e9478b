export const id = 585;
export const ids = [585];
export const modules = {

/***/ 4585:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  CheckSchema: () => (/* binding */ CheckSchema),
  ChecksSchema: () => (/* binding */ ChecksSchema)
});

// EXTERNAL MODULE: ../../node_modules/zod/v4/classic/schemas.js + 15 modules
var schemas = __webpack_require__(9143);
;// CONCATENATED MODULE: ../../packages/health/src/quote.ts
/** A value as an error message quotes it: text in quotes, anything else as JSON. */
function quote(value) {
    if (typeof value === 'string')
        return `'${value}'`;
    return JSON.stringify(value) ?? String(value);
}

;// CONCATENATED MODULE: ../../packages/health/src/types.ts
const CHECK_TYPES = [
    'http',
    'ecs-service',
    'target-group',
    'cloudwatch-alarm',
    'sqs-queue',
    'command'
];
const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
/** `bash` runs as GitHub's `shell: bash` does (`-eo pipefail`), `sh` as `shell: sh` (`-e`). */
const COMMAND_SHELLS = ['bash', 'sh'];

// EXTERNAL MODULE: ../../packages/common/src/duration.ts
var duration = __webpack_require__(3041);
// EXTERNAL MODULE: ../../node_modules/zod/v4/core/core.js
var core = __webpack_require__(6416);
;// CONCATENATED MODULE: ../../packages/health/src/schema/fields.ts



/*
 * Field types the check types share. Every message is the problem alone: the file, line and
 * field are added by common's checkAgainstSchema.
 */
/** Left out, or written without a value. */
const isAbsent = (input) => input === undefined || input === null;
/** Adds a problem to a transform's issues; the transform then returns z.NEVER. */
function fail(ctx, input, message, path = []) {
    ctx.issues.push({ code: 'custom', message, input, path });
    return core/* NEVER */.tm;
}
/**
 * A field that may be left out, or written without a value (`timeout:` with the value
 * commented out): either way its default applies.
 */
function optional(schema) {
    return schema.nullish().transform(value => value ?? undefined);
}
/** Text a person typed, not blank: a string, or a number YAML read as one (`queue: 12345`). */
function fields_text(what) {
    const problem = (input) => isAbsent(input) ? `missing. Give ${what}.` : `${quote(input)} is not a non-empty string.`;
    return schemas/* union */.KCZ([schemas/* string */.YjP(), schemas/* number */.aig()], { error: issue => problem(issue.input) })
        .transform(String)
        .refine(value => value.trim() !== '', { error: issue => problem(issue.input) })
        .describe(`${what[0]?.toUpperCase() ?? ''}${what.slice(1)}.`);
}
const notDuration = (input) => `${quote(String(input))} is not a duration. Use a number with a unit: 500ms, 90s, 10m, 1h or 1h30m.`;
/** `500ms`, `90s`, `10m`, `1h30m` in milliseconds. A bare number is refused: its unit is a guess. */
const fields_duration = schemas/* string */.YjP({ error: issue => notDuration(issue.input) })
    .transform((value, ctx) => {
    const ms = (0,duration/* parseDuration */.E)(value);
    if (ms === undefined)
        return fail(ctx, value, notDuration(value));
    if (ms <= 0)
        return fail(ctx, value, `${quote(value)} must be longer than zero.`);
    return ms;
})
    .describe('A duration with a unit: 500ms, 90s, 10m, 1h or 1h30m.');
const flag = schemas/* boolean */.zMY({ error: issue => `${quote(issue.input)} is not true or false.` });
/** A number within a range; `max` undefined for no upper bound. */
function boundedNumber(min, max, integer) {
    const kind = integer ? 'a whole number' : 'a number';
    const range = max === undefined ? `≥ ${min}` : `from ${min} to ${max}`;
    const error = (issue) => `${quote(issue.input)} is not ${kind} ${range}.`;
    const base = (integer ? schemas/* int */.Whr({ error }) : schemas/* number */.aig({ error })).min(min, { error });
    return max === undefined ? base : base.max(max, { error });
}
/** The value of a header or an environment variable: YAML scalars, as text. */
function scalarText(what) {
    return schemas/* union */.KCZ([schemas/* string */.YjP(), schemas/* number */.aig(), schemas/* boolean */.zMY()], {
        // The value is not quoted back: it may be a secret.
        error: issue => `the value of '${String(issue.path?.at(-1))}' must be a string.`
    })
        .transform(String)
        .describe(`The ${what}'s value.`);
}
/**
 * A mapping of names to scalar values (headers, environment variables). A name that does not
 * match `pattern` is refused with `nameProblem`'s words: the name is quoted, the value never is.
 */
function namedValues(what, pattern, nameProblem) {
    // The key's own message: common reports a record key's problem by its key schema's words.
    const name = schemas/* string */.YjP().regex(pattern, { error: issue => nameProblem(String(issue.input)) });
    return schemas/* record */.g1P(name, scalarText(what), {
        error: issue => issue.code === 'invalid_type' ? `expected a mapping of ${what} name to value.` : undefined
    });
}
/**
 * One value or a list of them (`expect-status: 200`, `alarms: [a, b]`), typed for editors as
 * `entry` or a list of it; `read` checks each entry and names the first bad one in `problem`.
 */
function oneOrList(entry, options) {
    return schemas/* union */.KCZ([entry, schemas/* array */.YOg(entry)], {
        error: issue => {
            const entries = Array.isArray(issue.input) ? issue.input : [issue.input];
            return options.notEntry(entries.find(item => !entry.safeParse(item).success));
        }
    })
        .transform((raw, ctx) => {
        const list = (Array.isArray(raw) ? raw : [raw]);
        if (list.length === 0)
            return fail(ctx, raw, options.empty);
        const read = [];
        for (const [index, item] of list.entries()) {
            const value = options.read(item);
            if (isProblem(value)) {
                return fail(ctx, item, value.problem, Array.isArray(raw) ? [index] : []);
            }
            read.push(value);
        }
        return read;
    });
}
function isProblem(value) {
    return typeof value === 'object' && value !== null && 'problem' in value;
}
/**
 * A check type's fields under its key (`http:`): a mapping with only the fields of that type.
 * Each type turns it into its spec with a transform.
 */
function checkType(type, shape) {
    const allowed = Object.keys(shape).join(', ');
    return schemas/* strictObject */.rej(shape, {
        error: issue => issue.code === 'invalid_type'
            ? `expected a mapping of fields under '${type}:', got ${quote(issue.input)}. Allowed fields: ${allowed}.`
            : undefined
    });
}

;// CONCATENATED MODULE: ../../packages/health/src/schema/aws.ts



const EcsServiceCheck = checkType('ecs-service', {
    cluster: fields_text('the ECS cluster name or ARN'),
    service: fields_text('the ECS service name or ARN')
}).transform((fields) => ({ type: 'ecs-service', ...fields }));
const TargetGroupCheck = checkType('target-group', {
    'target-group': fields_text('the target group ARN or name'),
    'min-healthy-percent': optional(boundedNumber(0, 100, false)).describe('Share of the serving targets that must be healthy. Default 100.')
}).transform((fields) => ({
    type: 'target-group',
    targetGroup: fields['target-group'],
    minHealthyPercent: fields['min-healthy-percent'] ?? 100
}));
const alarmNames = oneOrList(schemas/* string */.YjP(), {
    notEntry: entry => `${quote(entry)} is not an alarm name.`,
    read: name => (name.trim() === '' ? { problem: `${quote(name)} is not an alarm name.` } : name),
    empty: 'the list is empty. Name at least one alarm.'
}).describe('Alarm names: one, or a list.');
const AlarmCheck = checkType('cloudwatch-alarm', {
    alarms: optional(alarmNames),
    prefix: optional(fields_text('an alarm name prefix')),
    'fail-on-insufficient-data': optional(flag)
})
    .check(ctx => {
    if ((ctx.value.alarms === undefined) === (ctx.value.prefix === undefined)) {
        ctx.issues.push({
            code: 'custom',
            message: "give either 'alarms' (a list of names) or 'prefix', not both or none.",
            input: ctx.value,
            path: ['alarms']
        });
    }
})
    .transform((fields) => {
    const failOnInsufficientData = fields['fail-on-insufficient-data'] ?? false;
    const { alarms, prefix } = fields;
    const which = prefix !== undefined ? { prefix } : { alarms: alarms };
    return { type: 'cloudwatch-alarm', ...which, failOnInsufficientData };
});
const SqsCheck = checkType('sqs-queue', {
    queue: fields_text('the queue URL or name'),
    'max-visible': optional(boundedNumber(0, undefined, true)),
    'max-age': optional(fields_duration),
    'dead-letter-empty': optional(flag)
}).transform((fields) => ({
    type: 'sqs-queue',
    queue: fields.queue,
    ...(fields['max-visible'] !== undefined && { maxVisible: fields['max-visible'] }),
    ...(fields['max-age'] !== undefined && { maxAgeMs: fields['max-age'] }),
    deadLetterEmpty: fields['dead-letter-empty'] ?? true
}));

// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(4379);
;// CONCATENATED MODULE: ../../packages/health/src/check-defaults.ts
/** What a check gets for a field it leaves out, shared by the checks format and the url form. */
const DEFAULT_HTTP_TIMEOUT_MS = 5000;
/** A test suite against a fresh deployment can take minutes; ten covers most, and ends a hang. */
const DEFAULT_COMMAND_TIMEOUT_MS = 10 * 60_000;

;// CONCATENATED MODULE: ../../packages/health/src/schema/command.ts






/** A portable variable name, not one of those the run sets itself (FARGATE_PROMOTE_URL, …). */
const ENV_NAME = /^(?!FARGATE_PROMOTE_)[A-Za-z_][A-Za-z0-9_]*$/;
const env = namedValues('variable', ENV_NAME, name => name.startsWith('FARGATE_PROMOTE_')
    ? `'${name}' is set by the run itself; choose another name.`
    : `${quote(name)} is not a valid variable name.`).describe('Variables for the command. Values of secret-looking names are masked.');
const shell = schemas/* enum */.k5n(COMMAND_SHELLS, {
    error: issue => `${quote(issue.input)} is not supported. Use one of ${COMMAND_SHELLS.join(', ')}.`
})
    .describe('bash (default) or sh; both stop at the first failing command.');
/** Inside the workspace: a path that climbs out of it is a mistake, not a choice. */
const workingDirectory = fields_text('a directory in the workspace').refine(path => !(0,external_node_path_.isAbsolute)(path) && (0,external_node_path_.normalize)(path).split(/[\\/]/)[0] !== '..', { error: issue => `${quote(issue.input)} is not a path inside the workspace.` });
const CommandCheck = checkType('command', {
    run: fields_text('the command to run'),
    timeout: optional(fields_duration).describe('Ends the command after this long. Default 10m.'),
    shell: optional(shell),
    env: optional(env),
    'working-directory': optional(workingDirectory),
    attempts: optional(boundedNumber(1, 10, true)).describe('How many runs a failing command gets in verify mode. Default 1: its exit code decides.')
}).transform((fields) => ({
    type: 'command',
    run: fields.run,
    shell: fields.shell ?? 'bash',
    env: fields.env ?? {},
    ...(fields['working-directory'] !== undefined && {
        workingDirectory: fields['working-directory']
    }),
    timeoutMs: fields.timeout ?? DEFAULT_COMMAND_TIMEOUT_MS,
    attempts: fields.attempts ?? 1
}));

// EXTERNAL MODULE: ../../packages/health/src/expect-status.ts
var expect_status = __webpack_require__(3888);
;// CONCATENATED MODULE: ../../packages/health/src/http-spec.ts


/** The one place an http check's defaults live: the checks format and the url form share it. */
function httpSpec(fields) {
    let headers = fields.headers ?? {};
    let body;
    if (typeof fields.body === 'string')
        body = fields.body;
    else if (fields.body !== undefined && fields.body !== null) {
        body = JSON.stringify(fields.body);
        const hasType = Object.keys(headers).some(header => header.toLowerCase() === 'content-type');
        if (!hasType)
            headers = { ...headers, 'content-type': 'application/json' };
    }
    return {
        type: 'http',
        url: fields.url,
        method: fields.method ?? 'GET',
        headers,
        ...(body !== undefined && { body }),
        expectStatus: fields.expectStatus ?? expect_status/* DEFAULT_EXPECT_STATUS */.ps,
        ...(fields.bodyContains !== undefined && { bodyContains: fields.bodyContains }),
        json: fields.json ?? [],
        ...(fields.maxLatencyMs !== undefined && { maxLatencyMs: fields.maxLatencyMs }),
        timeoutMs: fields.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS,
        followRedirects: fields.followRedirects ?? true,
        allowCrossHostRedirects: fields.allowCrossHostRedirects ?? false,
        insecureTls: fields.insecureTls ?? false
    };
}

// EXTERNAL MODULE: ../../packages/common/src/text.ts
var src_text = __webpack_require__(9966);
;// CONCATENATED MODULE: ../../packages/health/src/http-url.ts


/**
 * The URL an http check requests, or what is wrong with it. Messages never show a user or
 * password: the URL may carry them, and an error is printed before masking knows them.
 */
function parseHttpUrl(text) {
    const control = (0,src_text/* urlControlProblem */.cg)(text);
    if (control !== undefined)
        return control;
    const shown = quote((0,src_text/* withoutCredentials */.ri)(text));
    let url;
    try {
        url = new URL(text);
    }
    catch {
        return `${shown} is not a valid URL. Write it in full: https://host/path.`;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        return `${shown} uses '${url.protocol}'; only http and https are supported.`;
    }
    return url;
}

// EXTERNAL MODULE: ../../packages/health/src/json-path.ts
var json_path = __webpack_require__(8640);
;// CONCATENATED MODULE: ../../packages/health/src/schema/http.ts








const url = fields_text('the URL to request').transform((value, ctx) => {
    const parsed = parseHttpUrl(value);
    return typeof parsed === 'string' ? fail(ctx, value, parsed) : parsed.toString();
});
const method = fields_text('an HTTP method').transform((value, ctx) => {
    const upper = value.toUpperCase();
    if (HTTP_METHODS.includes(upper))
        return upper;
    return fail(ctx, value, `${quote(upper)} is not allowed. Use one of ${HTTP_METHODS.join(', ')}.`);
});
const headers = namedValues('header', /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, name => `${quote(name)} is not a valid header name.`);
const statusEntry = schemas/* union */.KCZ([schemas/* number */.aig(), schemas/* string */.YjP()]);
const expectStatus = oneOrList(statusEntry, {
    notEntry: entry => (0,expect_status/* parseStatusEntry */.EA)(entry),
    read: entry => {
        const range = (0,expect_status/* parseStatusEntry */.EA)(entry);
        return typeof range === 'string' ? { problem: range } : range;
    },
    empty: 'the list is empty. Leave it out for 2xx.'
}).describe('Status codes that pass: 200, a range 200-299, a class 2xx, or a list of them.');
function regexProblem(source) {
    try {
        new RegExp(source);
        return undefined;
    }
    catch (error) {
        return `${quote(source)} is not a valid regular expression (${String(error)}).`;
    }
}
const jsonAssertion = schemas/* strictObject */.rej({
    path: schemas/* string */.YjP({
        error: issue => issue.input === undefined
            ? 'missing. Give a path like $.status.'
            : `${quote(issue.input)} is not a JSON path like $.status.`
    }),
    equals: schemas/* unknown */.L5J().optional(),
    in: schemas/* array */.YOg(schemas/* unknown */.L5J(), { error: issue => `${quote(issue.input)} is not a list.` })
        .optional(),
    matches: schemas/* string */.YjP({ error: issue => `${quote(issue.input)} is not a string.` }).optional()
}, {
    error: issue => issue.code === 'invalid_type'
        ? `${quote(issue.input)} is not a mapping with a 'path'.`
        : undefined
})
    .transform((item, ctx) => {
    const segments = (0,json_path/* parseJsonPath */.H)(item.path);
    if (typeof segments === 'string') {
        const problem = `${quote(item.path)} is not a supported JSON path: ${segments}.`;
        return fail(ctx, item.path, problem, ['path']);
    }
    const badRegex = item.matches === undefined ? undefined : regexProblem(item.matches);
    if (badRegex !== undefined)
        return fail(ctx, item.matches, badRegex, ['matches']);
    const assertion = { path: item.path, segments };
    // `equals: null` asserts null: present with no value is not left out here.
    if ('equals' in item)
        assertion.equals = item.equals;
    if (item.in !== undefined)
        assertion.in = item.in;
    if (item.matches !== undefined)
        assertion.matches = item.matches;
    return assertion;
});
const json = schemas/* array */.YOg(jsonAssertion, { error: 'expected a list of { path, equals | in | matches }.' })
    .describe('Assertions on a JSON body: { path: $.status, equals | in | matches }.');
const HttpCheck = checkType('http', {
    url,
    method: optional(method),
    headers: optional(headers),
    body: schemas/* unknown */.L5J().optional().describe('Sent as written, or as JSON when not text.'),
    'expect-status': optional(expectStatus),
    'body-contains': optional(fields_text('text the body must contain')),
    json: optional(json),
    'max-latency': optional(fields_duration),
    timeout: optional(fields_duration),
    'follow-redirects': optional(flag),
    'allow-cross-host-redirects': optional(flag),
    'insecure-tls': optional(flag)
}).transform(fields => httpSpec({
    url: fields.url,
    method: fields.method,
    headers: fields.headers,
    body: fields.body,
    expectStatus: fields['expect-status'],
    bodyContains: fields['body-contains'],
    json: fields.json,
    maxLatencyMs: fields['max-latency'],
    timeoutMs: fields.timeout,
    followRedirects: fields['follow-redirects'],
    allowCrossHostRedirects: fields['allow-cross-host-redirects'],
    insecureTls: fields['insecure-tls']
}));

;// CONCATENATED MODULE: ../../packages/health/src/schema/checks.ts







/*
 * The health-verify checks format: a list of `{ name, <type>: { fields } }`. One schema types
 * the list, validates it (every problem with its line and field, through common's
 * checkAgainstSchema), turns it into CheckSpecs and is embedded in the application config's
 * schema, whose JSON Schema editors complete and check.
 */
const TYPES = CHECK_TYPES.join(', ');
const checks_name = schemas/* string */.YjP({
    error: issue => `${isAbsent(issue.input) ? 'missing' : `${quote(issue.input)} is not a name`}. Give every check a unique name, e.g. '- name: api'.`
})
    .refine(value => value.trim() !== '', {
    error: "is blank. Give every check a unique name, e.g. '- name: api'."
})
    .describe('A unique name: in logs, the summary, failed-checks and annotations.');
const CheckSchema = schemas/* strictObject */.rej({
    name: checks_name,
    http: HttpCheck.optional().describe('Requests a URL: status, body, JSON, latency.'),
    'ecs-service': EcsServiceCheck.optional().describe('The ECS service is settled and every task a healthy target.'),
    'target-group': TargetGroupCheck.optional().describe('Enough healthy targets in a target group.'),
    'cloudwatch-alarm': AlarmCheck.optional().describe('CloudWatch alarms are not in ALARM.'),
    'sqs-queue': SqsCheck.optional().describe('Queue depth, message age, empty dead-letter queue.'),
    command: CommandCheck.optional().describe("The application's own test, run against the environment (FARGATE_PROMOTE_URL).")
}, {
    error: issue => issue.code === 'invalid_type'
        ? `${quote(issue.input)} is not a mapping. Write each check as '- name: …' followed by one type (${TYPES}).`
        : undefined
})
    .check(ctx => {
    const given = CHECK_TYPES.filter(type => ctx.value[type] !== undefined);
    if (given.length === 1)
        return;
    const problem = given.length === 0 ? 'has no type' : `has ${given.length} types (${given.join(', ')})`;
    ctx.issues.push({
        code: 'custom',
        message: `check '${ctx.value.name}' ${problem}. Give exactly one of: ${TYPES}.`,
        input: ctx.value
    });
})
    .transform(({ name, ...types }) => {
    const spec = CHECK_TYPES.map(type => types[type]).find(body => body !== undefined);
    return { ...spec, name };
})
    .meta({ id: 'Check' });
function notAList(input) {
    if (isAbsent(input))
        return 'no checks defined. Give a YAML list of checks.';
    const got = typeof input === 'object' ? 'a mapping' : 'a single value';
    return `expected a YAML list of checks (each starting with '- name:'), got ${got}.`;
}
const ChecksSchema = schemas/* array */.YOg(CheckSchema, {
    error: issue => (issue.code === 'invalid_type' ? notAList(issue.input) : undefined)
})
    .min(1, 'the list of checks is empty. Define at least one.')
    .check(ctx => {
    const first = new Map();
    ctx.value.forEach((check, index) => {
        const earlier = first.get(check.name);
        if (earlier === undefined)
            return void first.set(check.name, index);
        ctx.issues.push({
            code: 'custom',
            message: `check '${check.name}' is defined twice ([${earlier}] and [${index}]). Check names must be unique.`,
            input: check.name,
            path: [index, 'name']
        });
    });
})
    .describe('Health checks: each a name and exactly one type.');


/***/ })

};

//# sourceMappingURL=585.index.js.map