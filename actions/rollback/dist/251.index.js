export const id = 251;
export const ids = [251,585];
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


/***/ }),

/***/ 251:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  environmentOf: () => (/* binding */ environmentOf),
  readConfigFile: () => (/* binding */ readConfigFile)
});

// UNUSED EXPORTS: DEFAULT_CONFIG_PATH, parseConfigText

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(4379);
// EXTERNAL MODULE: ../../packages/common/src/errors.ts
var errors = __webpack_require__(6534);
// EXTERNAL MODULE: ../../packages/common/src/settings/yaml-positions.ts
var yaml_positions = __webpack_require__(7625);
// EXTERNAL MODULE: ../../packages/common/src/settings/schema-check.ts
var schema_check = __webpack_require__(5181);
// EXTERNAL MODULE: ../../packages/common/src/settings/files.ts
var files = __webpack_require__(5808);
// EXTERNAL MODULE: ../../packages/promotion/src/config/paths.ts
var paths = __webpack_require__(4294);
// EXTERNAL MODULE: ../../packages/common/src/duration.ts
var duration = __webpack_require__(3041);
// EXTERNAL MODULE: ../../packages/common/src/text.ts
var src_text = __webpack_require__(9966);
// EXTERNAL MODULE: ../../packages/health/src/checks-source.ts + 1 modules
var checks_source = __webpack_require__(9527);
// EXTERNAL MODULE: ../../packages/health/src/schema/checks.ts + 9 modules
var checks = __webpack_require__(4585);
// EXTERNAL MODULE: ../../node_modules/zod/v4/classic/schemas.js + 15 modules
var schemas = __webpack_require__(9143);
;// CONCATENATED MODULE: ../../packages/promotion/src/github/login.ts
/**
 * A GitHub login as GitHub allows it: letters, digits and hyphens, starting with a letter or a
 * digit, at most 39 characters. The config file's reviewers and staging-gate's emergency-actors
 * are checked by this one rule.
 */
const GITHUB_LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
/** What a login looks like, for the errors about one. */
const GITHUB_LOGIN_FORM = 'a GitHub login: letters, digits and hyphens, at most 39 characters, e.g. octocat';
/** Who can run a workflow (GITHUB_ACTOR): a login, or a GitHub App's `name[bot]`. */
function isGitHubActor(text) {
    return GITHUB_LOGIN.test(text.replace(/\[bot\]$/, ''));
}

;// CONCATENATED MODULE: ../../packages/promotion/src/config/schema.ts




/*
 * `.github/fargate-promote.yml`: one file per application with every environment's settings.
 * The same schema types the file, validates it (file, line and field in every error) and is
 * published as JSON Schema so editors complete and check it. Keys are kebab-case like the
 * actions' inputs, so a setting has one name everywhere.
 */
const MAX_WAIT_TIMER_MINUTES = 43_200;
const MAX_REVIEWERS = 6;
const MAX_SERVICES = 10;
const DAY_MS = 86_400_000;
const nonEmpty = schemas/* string */.YjP().trim().min(1, 'must not be empty.');
/** `30m`, `24h`, `1h30m`: the duration form the actions' inputs take. */
const schema_duration = (what, max) => schemas/* string */.YjP(`not a duration. Write a number with a unit: 90s, 30m, 24h or 1h30m (${what}).`)
    .refine(text => (0,duration/* parseDuration */.E)(text) !== undefined, {
    message: `not a duration. Write a number with a unit: 90s, 30m, 24h or 1h30m (${what}).`
})
    .refine(text => ((0,duration/* parseDuration */.E)(text) ?? 0) <= max, {
    message: `${what} is at most ${max / 3_600_000} hours.`
})
    .describe(`${what}: a number with a unit, such as 30m, 24h or 1h30m.`);
const schema_name = (what) => nonEmpty
    .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,254}$/, `must be ${what}: letters, digits, '-' and '_'.`)
    .describe(what);
const Service = schemas/* strictObject */.rej({
    name: schema_name('the ECS service name'),
    containers: schemas/* array */.YOg(schema_name('a container name'))
        .min(1)
        .max(10)
        .describe('Containers of the service that receive the built image.')
})
    .meta({ id: 'Service' });
const roleArn = nonEmpty.regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/, 'must be an IAM role ARN (arn:aws:iam::123456789012:role/name).');
const githubLogin = nonEmpty.regex(GITHUB_LOGIN, 'must be a GitHub login (letters, digits and hyphens).');
const teamSlug = nonEmpty.regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*\/[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'must be org/team-slug, for example my-org/platform.');
const Protection = schemas/* strictObject */.rej({
    reviewers: schemas/* strictObject */.rej({
        users: schemas/* array */.YOg(githubLogin).default([]).describe('GitHub logins that may approve.'),
        teams: schemas/* array */.YOg(teamSlug).default([]).describe('Teams (org/slug) whose members may approve.')
    })
        .prefault({})
        .refine(r => r.users.length + r.teams.length <= MAX_REVIEWERS, {
        message: `GitHub allows at most ${MAX_REVIEWERS} reviewers (users and teams together).`
    }),
    'wait-timer': schemas/* int */.Whr('must be a whole number of minutes.')
        .min(0, 'must be 0 or more minutes.')
        .max(MAX_WAIT_TIMER_MINUTES, `is at most ${MAX_WAIT_TIMER_MINUTES} minutes (30 days), GitHub's limit.`)
        .default(0)
        .describe('Minutes to wait after approval before the job runs (0-43200).'),
    'prevent-self-review': schemas/* boolean */.zMY()
        .default(false)
        .describe('The person who triggered the run may not approve it.'),
    branches: schemas/* array */.YOg(nonEmpty)
        .optional()
        .describe('Branch name patterns allowed to deploy (for example main, release/*). Leave out for all.'),
    tags: schemas/* array */.YOg(nonEmpty)
        .optional()
        .describe('Tag name patterns allowed to deploy (for example v*).')
})
    .meta({ id: 'Protection' });
const Tests = schemas/* strictObject */.rej({
    integration: nonEmpty
        .optional()
        .describe('Command run against the deployed environment (its URL in FARGATE_PROMOTE_URL).'),
    performance: nonEmpty.optional().describe('Command of the performance check.')
})
    .meta({ id: 'Tests' });
/**
 * Checks in the health-verify format (health's own schema, so an inline check is checked with
 * the file's line and field), or the path of a checks file in the repository.
 */
const Checks = schemas/* union */.KCZ([
    // A string is a path: without a checks file's extension it would be read as inline YAML.
    nonEmpty.regex(checks_source/* CHECKS_FILE */.f, 'must be the path of a .yml, .yaml or .json checks file.'),
    checks.ChecksSchema
])
    .describe('Health checks in the health-verify format: a list, or the path of a .yml file.');
/** `10`, `10%` or `0.5%`: the form the actions' percentage inputs take. */
const percent = (what) => schemas/* union */.KCZ([
    schemas/* number */.aig().min(0).max(100),
    nonEmpty.regex(/^\d+(\.\d+)?\s*%?$/, 'must be a percentage such as 10%.')
])
    .optional()
    .describe(`${what}: a percentage such as 10%.`);
const minutes = (what) => schema_duration(what, DAY_MS).optional();
/**
 * An http(s) URL. Control characters are refused first, as the `url` input refuses them: zod's
 * url check drops a line break silently, and the request would go somewhere else.
 */
const httpUrl = schemas/* string */.YjP().check(schemas/* superRefine */.zni((text, context) => {
    const problem = (0,src_text/* urlControlProblem */.cg)(text);
    if (problem !== undefined)
        context.addIssue({ code: 'custom', message: problem, input: text });
}), schemas/* url */.OZ5({ protocol: /^https?$/ }));
const elbArn = (what) => nonEmpty
    .regex(/^arn:[^:]+:elasticloadbalancing:/, `must be the ARN of ${what}.`)
    .optional()
    .describe(`ARN of ${what}.`);
/** deploy-fargate's strategy settings (issue 17), under the inputs' names. */
const strategySettings = {
    strategy: schemas/* enum */.k5n(['rolling', 'canary', 'linear', 'blue-green'])
        .optional()
        .describe('How ECS moves a service to a new revision. Default rolling.'),
    'canary-percent': percent('Canary: share of production traffic in the canary step'),
    'canary-bake': minutes('Canary: how long the canary step lasts, in whole minutes'),
    'step-percent': percent('Linear: share of production traffic moved per step'),
    'step-bake': minutes('Linear: how long each step lasts, in whole minutes'),
    'bake-time': minutes('How long both revisions run once all traffic has moved'),
    'alternate-target-group': elbArn('the target group the new revision is registered in'),
    'production-listener-rule': elbArn('the listener rule ECS moves production traffic on'),
    'test-listener-rule': elbArn('the listener rule of blue/green test traffic'),
    'infrastructure-role': roleArn
        .optional()
        .describe('IAM role that lets ECS change the listener rules.'),
    'max-error-rate': percent('Highest share of 5XX answers of the new revision in a step'),
    'max-latency-increase': percent('How much slower than the old revision the new one may be'),
    'max-error-rate-increase': percent('How many more 5XX answers than the old revision'),
    'max-p99-latency': schema_duration('highest p99 response time of the new revision', 600_000).optional(),
    'metrics-delay': schema_duration('how long after a minute ends its CloudWatch metrics are read', 600_000).optional(),
    'min-requests': schemas/* int */.Whr('must be a whole number of requests.')
        .min(1, 'must be 1 or more requests.')
        .optional()
        .describe('Requests a revision needs in an analysis window before it is judged.'),
    pauses: schemas/* enum */.k5n(['continue-on-pass', 'wait'])
        .optional()
        .describe('At a PAUSE hook: continue once the analysis passed, or wait.'),
    'pause-at': schemas/* union */.KCZ([
        schemas/* literal */.euz('none'),
        schemas/* array */.YOg(schemas/* enum */.k5n([
            'RECONCILE_SERVICE',
            'PRE_SCALE_UP',
            'POST_SCALE_UP',
            'POST_TEST_TRAFFIC_SHIFT',
            'PRE_PRODUCTION_TRAFFIC_SHIFT',
            'POST_PRODUCTION_TRAFFIC_SHIFT'
        ]))
            .min(1)
    ])
        .optional()
        .describe('Lifecycle stages at which the deployment waits at a PAUSE hook, or none.'),
    'pause-timeout': minutes('How long a PAUSE hook waits before its timeout action'),
    'pause-timeout-action': schemas/* enum */.k5n(['continue', 'rollback'])
        .optional()
        .describe('What ECS does when a PAUSE hook times out. Default rollback.'),
    'test-url': httpUrl
        .optional()
        .describe('Blue-green: URL through the test listener, checked before production moves.'),
    'test-duration': schema_duration('how long the test listener is checked', 60 * 60_000).optional()
};
const EnvironmentSchema = schemas/* strictObject */.rej({
    region: nonEmpty
        .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as eu-west-1.')
        .describe('AWS region of the cluster.'),
    role: roleArn
        .optional()
        .describe('IAM role the deploy jobs assume through OIDC in this GitHub environment.'),
    'rollback-role': roleArn
        .optional()
        .describe('IAM role the monitoring and rollback jobs assume in the <name>-monitor GitHub environment (reads and rollback only). Default role.'),
    cluster: schema_name('the ECS cluster name'),
    services: schemas/* array */.YOg(Service).min(1).max(MAX_SERVICES),
    'desired-count': schemas/* int */.Whr('must be a whole number of tasks.')
        .min(0, 'must be 0 or more tasks.')
        .max(1000, 'is at most 1000 tasks per service.')
        .optional()
        .describe('Tasks per service.'),
    url: httpUrl.optional().describe('URL of the environment.'),
    alarms: schemas/* array */.YOg(nonEmpty)
        .default([])
        .describe('CloudWatch alarms attached as ECS deployment alarms (rollback when they fire).'),
    checks: Checks.optional(),
    soak: schema_duration('soak time on this environment before promotion', 7 * DAY_MS).optional(),
    monitor: schema_duration('monitoring after a deployment', 7 * DAY_MS).optional(),
    tests: Tests.optional(),
    protection: Protection.prefault({}),
    ...strategySettings
})
    .meta({ id: 'Environment' });
const ConfigSchema = schemas/* strictObject */.rej({
    $schema: schemas/* string */.YjP().optional(),
    version: schemas/* literal */.euz(1).describe('Version of this file format: 1.'),
    application: schema_name('the application name').optional(),
    environments: schemas/* record */.g1P(schema_name('an environment name').refine(key => !key.endsWith('-monitor'), {
        message: "ends with '-monitor', the suffix of the monitoring environment apply creates for each environment. Rename it."
    }), EnvironmentSchema)
        .refine(environments => Object.keys(environments).length > 0, {
        message: 'lists no environment. Add one, for example dev.'
    })
});
/** The schema an editor loads (draft-07: what yaml-language-server reads). */
function configJsonSchema() {
    return z.toJSONSchema(ConfigSchema, { target: 'draft-07', io: 'input' });
}

;// CONCATENATED MODULE: ../../packages/promotion/src/config/load.ts






/** The validated config of a text: every problem with its file, line and field at once. */
async function parseConfigText(text, path) {
    const subject = { file: path };
    if (text.trim() === '') {
        throw new errors/* ConfigurationError */.j1('is empty. Start from workflows-templates/fargate-promote.yml.', {
            file: path
        });
    }
    const positioned = await (0,yaml_positions/* parsePositionedYaml */.h)(text, subject);
    const config = (0,schema_check/* checkAgainstSchema */.FK)(ConfigSchema, positioned, subject);
    return { path, config, raw: positioned.data, lineOf: field => positioned.locate(field).line };
}
/**
 * The config file, read inside the workspace like every file a setting names. A path the user
 * gave must exist; the default path is optional (settings may all come from inputs).
 */
async function readConfigFile(options) {
    const { roots, input } = options;
    const path = options.path ?? paths/* DEFAULT_CONFIG_PATH */.B;
    if (options.path === undefined && !(0,external_node_fs_.existsSync)((0,external_node_path_.resolve)(roots.workspace, path)))
        return undefined;
    const { text } = (0,files/* readSettingFile */.F4)(path, roots, { input });
    return parseConfigText(text, path);
}
/** One environment's settings; an error naming the environments there are when it is missing. */
function environmentOf(loaded, name, input) {
    const environments = loaded.config.environments;
    const found = Object.hasOwn(environments, name) ? environments[name] : undefined;
    if (found === undefined) {
        const known = Object.keys(environments).map(key => `'${key}'`);
        throw new errors/* ConfigurationError */.j1(`'${name}' is not an environment of ${loaded.path} (it has ${known.join(', ')}). Add it under 'environments:' or correct the name.`, { input });
    }
    return found;
}


/***/ })

};

//# sourceMappingURL=251.index.js.map