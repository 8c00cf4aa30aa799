// The config.xml and users.xml of the test ClickHouse: loopback only, everything under one temporary folder, and the
// Kafka engine told to start new consumer groups at the earliest offset (SPEC §16). Must not start anything.

export interface ServerPorts {
  http: number;
  tcp: number;
  interserver: number;
}

function xmlText(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * The server config; `dir` ends without a slash and holds data/, tmp/, user_files/, format_schemas/ and log/. The macro
 * `ib_fixture_dir` names it, so start-up can tell its own server from another one that took the port.
 */
export function serverConfigXml(dir: string, ports: ServerPorts): string {
  const d = xmlText(dir);
  return `<?xml version="1.0"?>
<yandex>
  <logger>
    <level>warning</level>
    <log>${d}/log/server.log</log>
    <errorlog>${d}/log/server.err.log</errorlog>
    <console>0</console>
  </logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>${ports.http}</http_port>
  <tcp_port>${ports.tcp}</tcp_port>
  <interserver_http_port>${ports.interserver}</interserver_http_port>
  <interserver_http_host>127.0.0.1</interserver_http_host>
  <path>${d}/data/</path>
  <tmp_path>${d}/tmp/</tmp_path>
  <user_files_path>${d}/user_files/</user_files_path>
  <format_schema_path>${d}/format_schemas/</format_schema_path>
  <users_config>users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <mark_cache_size>268435456</mark_cache_size>
  <uncompressed_cache_size>268435456</uncompressed_cache_size>
  <max_concurrent_queries>200</max_concurrent_queries>
  <keep_alive_timeout>3</keep_alive_timeout>
  <shutdown_wait_unfinished>1</shutdown_wait_unfinished>
  <kafka>
    <auto_offset_reset>smallest</auto_offset_reset>
  </kafka>
  <macros>
    <ib_fixture_dir>${d}</ib_fixture_dir>
  </macros>
</yandex>
`;
}

/** One user, `default`, without a password, reachable from loopback only. */
export function usersXml(): string {
  return `<?xml version="1.0"?>
<yandex>
  <profiles>
    <default></default>
  </profiles>
  <users>
    <default>
      <password></password>
      <networks>
        <ip>127.0.0.1</ip>
        <ip>::1</ip>
      </networks>
      <profile>default</profile>
      <quota>default</quota>
    </default>
  </users>
  <quotas>
    <default></default>
  </quotas>
</yandex>
`;
}
