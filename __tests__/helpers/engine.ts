import { closeTransport } from "@/lib/webhooks/transport";
import { setupTestDatabase, type TestDatabase } from "./database";
import { allowLoopbackDelivery } from "./fixtures";
import { startReceiver, type Receiver, type Responder } from "./receiver";

export interface EngineTest {
  db: TestDatabase;
  /** A real receiver on 127.0.0.1, port 0, for the current test; closed after it. */
  receiver(responder?: Responder): Promise<Receiver>;
}

/**
 * The preamble every engine test shares: its own database for the file (PGlite, or
 * PostgreSQL with DATABASE_URL), emptied before each test; loopback receivers allowed;
 * receivers started per test and closed after it; the transport's connections closed
 * after the file.
 */
export function setupEngineTest(options: { truncate?: boolean } = {}): EngineTest {
  const db = setupTestDatabase();
  allowLoopbackDelivery();
  const receivers: Receiver[] = [];
  if (options.truncate !== false) beforeEach(() => db.truncate());
  afterEach(async () => {
    await Promise.all(receivers.splice(0).map((receiver) => receiver.close()));
  });
  afterAll(() => closeTransport());
  return {
    db,
    async receiver(responder) {
      const started = await startReceiver(responder);
      receivers.push(started);
      return started;
    },
  };
}
