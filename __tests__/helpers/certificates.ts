import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import https from "node:https";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";

/**
 * Certificates made for a test with `openssl` (Node's crypto cannot issue X.509): a CA of the
 * test's own, and server certificates it signs for chosen names and dates — valid, expired,
 * about to expire, or for another host.
 */
export interface TestCa {
  /** The CA certificate (PEM), to trust. */
  cert: string;
  issue(options: { names: string[]; notBefore: Date; notAfter: Date }): { key: string; cert: string };
  dispose(): void;
}

/** openssl's ASN.1 time: YYYYMMDDHHMMSSZ. */
function asn1Time(date: Date): string {
  return `${date.toISOString().replace(/[-:T]/g, "").slice(0, 14)}Z`;
}

export function makeTestCa(commonName = "Diagnose Test CA"): TestCa {
  const dir = mkdtempSync(path.join(os.tmpdir(), "test-ca-"));
  const file = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "3650", "-subj", `/CN=${commonName}/O=Webhook Tests`);
  writeFileSync(file("index.txt"), "");
  writeFileSync(file("serial"), "1000\n");
  writeFileSync(
    file("ca.cnf"),
    [
      "[ ca ]",
      "default_ca = test",
      "[ test ]",
      `dir = ${dir}`,
      "database = $dir/index.txt",
      "serial = $dir/serial",
      "new_certs_dir = $dir",
      "default_md = sha256",
      "policy = any",
      "unique_subject = no",
      "copy_extensions = copy",
      "[ any ]",
      "commonName = supplied",
      "",
    ].join("\n"),
  );
  let issued = 0;
  return {
    cert: readFileSync(file("ca.pem"), "utf8"),
    issue({ names, notBefore, notAfter }) {
      const name = `leaf${++issued}`;
      const san = names.map((entry) => (/^[\d.]+$|:/.test(entry) ? `IP:${entry}` : `DNS:${entry}`)).join(",");
      openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", `/CN=${names[0]}`, "-addext", `subjectAltName=${san}`);
      openssl("ca", "-batch", "-notext", "-config", "ca.cnf", "-cert", "ca.pem", "-keyfile", "ca.key", "-in", `${name}.csr`, "-out", `${name}.pem`, "-startdate", asn1Time(notBefore), "-enddate", asn1Time(notAfter));
      return { key: readFileSync(file(`${name}.key`), "utf8"), cert: readFileSync(file(`${name}.pem`), "utf8") };
    },
    dispose() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface TlsReceiver {
  port: number;
  requests: number;
  close(): Promise<void>;
}

/** An HTTPS server on 127.0.0.1 (port 0 unless given), answering `status` to every request. */
export async function startTlsReceiver(tls: { key: string; cert: string }, status = 200, port = 0): Promise<TlsReceiver> {
  const receiver = { port: 0, requests: 0 } as TlsReceiver;
  const server = https.createServer(tls, (req, res) => {
    req.resume();
    req.on("end", () => {
      receiver.requests++;
      res.writeHead(status).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  receiver.port = (server.address() as AddressInfo).port;
  receiver.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return receiver;
}
