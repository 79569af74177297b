import type { FastifyBodyParser } from 'fastify';

/** Reads a body as JSON; an empty body counts as none (clients send Content-Type on DELETE with nothing after it). */
export const parseJsonOrNothing: FastifyBodyParser<string> = (_req, body, done) => {
  if (body.trim() === '') return done(null, undefined);
  try {
    done(null, JSON.parse(body));
  } catch (err) {
    done(err as Error, undefined);
  }
};
