import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyRequest, LogController } from 'fastify';
import { cachedValidator, REVOCATION_TOPIC } from '../auth/auth-cache.ts';
import { type AuthContext, policyCredentials, type TokenValidator } from '../auth/context.ts';
import type { Bus } from '../bus/bus.ts';
import { type Config, publicUrlOf } from '../config.ts';
import type { Database } from '../db/database.ts';
import { migrateService } from '../db/migrate.ts';
import { Forbidden, NotFound, Unauthorized } from '../errors.ts';
import { Enforcer } from '../policy/enforcer.ts';
import { makeErrorHandler } from './error-handler.ts';
import { parseJsonOrNothing } from './json-body.ts';
import type { RequestContext, ServiceInstance, ServiceModule } from './service.ts';

export interface CloudApp {
  app: FastifyInstance;
  services: { module: ServiceModule; instance: ServiceInstance }[];
  /** Binds the listener; resolves to the public base URL. Services are not started yet (see `start`). */
  listen(): Promise<string>;
  /**
   * Starts every service's background work (agents, timers) once the cloud is bootstrapped: agents report to
   * other services as service users, which exist only after Identity's bootstrap.
   */
  start(): Promise<void>;
  publicUrl(): string;
  close(): Promise<void>;
}

export interface BuildOptions {
  config: Config;
  database: Database;
  bus: Bus;
  modules: ServiceModule[];
}

/**
 * One listener, one encapsulated plugin per service under its prefix. Each plugin has its own error
 * handler (the service's OpenStack error body) and 404 handler; the auth hook runs before the body is
 * read, as keystonemiddleware does, so an unauthenticated request never reaches validation.
 */
export async function buildCloudApp(opts: BuildOptions): Promise<CloudApp> {
  const { config, database, bus } = opts;
  let boundPort: number | undefined;
  const publicUrl = () => publicUrlOf(config, boundPort);

  const app = Fastify({
    logger: {
      level: config.logLevel,
      // JSON logs go to stderr so that stdout carries only what the CLI prints for people (the banner).
      stream: process.stderr,
      redact: ['req.headers["x-auth-token"]', 'req.headers["x-subject-token"]', 'req.headers.authorization'],
    },
    bodyLimit: config.bodyLimit,
    // Failures are logged by the error handler; a line per request would drown state changes.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'request_id' }),
    genReqId: (req) => {
      const given = req.headers['x-openstack-request-id'];
      return typeof given === 'string' && /^req-[0-9a-f-]{36}$/.test(given) ? given : `req-${randomUUID()}`;
    },
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, useDefaults: true, allErrors: false } },
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 500 },
    // Routes declare HEAD themselves where Keystone answers it (token check, grant checks).
    exposeHeadRoutes: false,
    return503OnClosing: false,
    // Close ends every connection once the services have stopped: a keep-alive connection of a service client
    // (compute's calls to Placement, Image, Networking) would otherwise hold close open until it idles out (72 s).
    forceCloseConnections: true,
  });
  jsonBodyParser(app);
  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-openstack-request-id', req.id);
  });

  let validator: (TokenValidator & { clear(): void }) | undefined;
  const services: CloudApp['services'] = [];
  const catalog = () =>
    opts.modules.flatMap((m) =>
      m.catalog
        ? [{ type: m.catalog.type, name: m.catalog.name, url: `${publicUrl()}${m.prefix}${m.catalog.path}` }]
        : [],
    );
  for (const module of opts.modules) {
    await migrateService(database.db, module.name, module.migrations);
    const log = app.log.child({ service: module.name });
    const instance = await module.create({
      config,
      db: database.db,
      dbKind: database.kind,
      bus,
      log,
      publicUrl,
      catalog,
    });
    if (instance.tokenValidator) validator = cachedValidator(instance.tokenValidator, config.identity.authCacheMs);
    services.push({ module, instance });
  }
  if (validator) {
    const cache = validator;
    bus.listenFanout(REVOCATION_TOPIC, { revoked: () => cache.clear() });
  }

  for (const { module, instance } of services) {
    const enforcer = await Enforcer.fromFile(module.policies, config.policyFile);
    await app.register(
      async (svc) => {
        svc.setErrorHandler(makeErrorHandler(module.errorBody));
        svc.setNotFoundHandler(async () => {
          throw new NotFound('The resource could not be found.');
        });
        svc.addHook('onRequest', async (req) => {
          req.ctx = await contextFor(req, validator, enforcer);
        });
        await instance.routes(svc);
      },
      { prefix: module.prefix },
    );
  }

  return {
    app,
    services,
    publicUrl,
    async listen() {
      await app.listen({ host: config.listen.host, port: config.listen.port });
      const addr = app.server.address();
      boundPort = typeof addr === 'object' && addr ? addr.port : config.listen.port;
      return publicUrl();
    },
    async start() {
      for (const { instance } of services) await instance.start?.();
    },
    async close() {
      for (const { instance } of services.toReversed()) await instance.stop?.();
      await app.close();
    },
  };
}

async function contextFor(
  req: FastifyRequest,
  validator: TokenValidator | undefined,
  enforcer: Enforcer | undefined,
): Promise<RequestContext> {
  const header = req.headers['x-auth-token'];
  const token = typeof header === 'string' && header.length > 0 ? header : undefined;
  const isPublic = req.routeOptions.config?.public === true;
  let auth: AuthContext | undefined;
  if (token && validator) {
    try {
      auth = await validator.validate(token);
    } catch (err) {
      // A public route (POST /auth/tokens with a password) works whatever stale token the client also sends.
      if (!isPublic) throw err;
    }
  }
  if (!auth && !isPublic) throw new Unauthorized();

  const requireAuth = () => {
    if (!auth) throw new Unauthorized();
    return auth;
  };
  const allowed = (rule: string, target: Record<string, unknown> = {}) => {
    const who = requireAuth();
    return enforcer ? enforcer.authorize(rule, target, policyCredentials(who)) : false;
  };
  return {
    auth,
    requireAuth,
    allowed,
    enforce(rule, target) {
      if (!allowed(rule, target))
        throw new Forbidden(`You are not authorized to perform the requested action: ${rule}.`);
    },
  };
}

/** JSON bodies; an empty body counts as none (clients send Content-Type on DELETE with nothing after it). */
function jsonBodyParser(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(/^application\/([\w.+-]+\+)?json/, { parseAs: 'string' }, parseJsonOrNothing);
}
