import { parseArgs } from 'node:util';
import { trustServerCertificate } from './pki.trust';

// Operator command: trust the certificate an OPC UA server presents, in the connector's PKI folder.
const usage = 'usage: npx tsx connectors/opcua/src/trust-server.cli.ts --pki <connector pki dir> --thumbprint <sha1> <opc.tcp://host:port>';
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { pki: { type: 'string' }, thumbprint: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
});
const endpointUrl = positionals[0];
if (values.help || !values.pki || !values.thumbprint || !endpointUrl) {
  (values.help ? console.log : console.error)(
    `${usage}\n\nFetches the server certificate over an unsecured discovery channel and adds it to <pki>/trusted/certs.\n--thumbprint is required: the SHA-1 thumbprint from the connector's refusal message, confirmed with the server's\nadministrator. A server presenting any other certificate is refused: nothing is trusted on first use.`,
  );
  process.exit(values.help ? 0 : 2);
}
try {
  const trusted = await trustServerCertificate({ endpointUrl, pkiDir: values.pki, expectedThumbprint: values.thumbprint });
  console.log(`trusted ${trusted.thumbprint} (${trusted.subject}) for ${endpointUrl} in ${values.pki}/trusted/certs`);
  process.exit(0);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
