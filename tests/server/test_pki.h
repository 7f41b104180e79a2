// A throwaway PKI for the TLS tests, made once per test binary run with the openssl
// CLI: a CA, a server certificate it signed for 127.0.0.1, and a certificate for the
// same name from a rogue CA (tls_test.cpp, hostile_network_test.cpp).
#pragma once

#include <fstream>
#include <string>

#include "server/server_test_support.h"

namespace yimen::testing {

// The files one run shares: a CA, a server certificate it signed for 127.0.0.1, and a
// certificate for the same name signed by a rogue CA the kiosk does not trust.
struct Pki {
  std::string dir;
  std::string ca_pem, server_pem, server_key, rogue_pem, rogue_key;
  std::string rsa_pem, rsa_key;  // an RSA server certificate from the same CA
  std::string server_pin, other_pin;  // "sha256//BASE64"
  bool ok = false;
};

inline std::string Shell(const std::string& script) {
  CommandResult r = RunCommand({"/bin/bash", "-c", "set -euo pipefail; " + script});
  if (r.exit_code != 0) ADD_FAILURE() << "shell failed (" << r.exit_code << "): " << script;
  return Trim(r.out);
}

inline const Pki& TestPki() {
  static SyncTempDir temp;
  static Pki pki = [] {
    Pki p;
    p.dir = temp.path();
    const std::string d = "'" + p.dir + "'";
    {
      std::ofstream ext(p.dir + "/ext.cnf");
      ext << "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n";
    }
    // Two CAs, each signing a server certificate for 127.0.0.1 (P-256 keys: fast).
    for (const std::string who : {"ca", "rogue"}) {
      Shell("cd " + d + " && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 "
            "-nodes -keyout " + who + "-root.key -out " + who + "-root.pem -days 2 "
            "-subj '/CN=Yimen test " + who + "' 2>/dev/null && "
            "openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout " + who +
            "-server.key -out " + who + "-server.csr -subj '/CN=127.0.0.1' 2>/dev/null && "
            "openssl x509 -req -in " + who + "-server.csr -CA " + who + "-root.pem -CAkey " +
            who + "-root.key -CAcreateserial -out " + who + "-server.pem -days 2 "
            "-extfile ext.cnf 2>/dev/null");
    }
    // RSA as well, for the ECDHE-RSA suites an auditor's openssl s_client asks for.
    Shell("cd " + d + " && openssl req -newkey rsa:2048 -nodes -keyout rsa-server.key "
          "-out rsa-server.csr -subj '/CN=127.0.0.1' 2>/dev/null && "
          "openssl x509 -req -in rsa-server.csr -CA ca-root.pem -CAkey ca-root.key "
          "-CAcreateserial -out rsa-server.pem -days 2 -extfile ext.cnf 2>/dev/null");
    p.rsa_pem = p.dir + "/rsa-server.pem";
    p.rsa_key = p.dir + "/rsa-server.key";
    p.ca_pem = p.dir + "/ca-root.pem";
    p.server_pem = p.dir + "/ca-server.pem";
    p.server_key = p.dir + "/ca-server.key";
    p.rogue_pem = p.dir + "/rogue-server.pem";
    p.rogue_key = p.dir + "/rogue-server.key";
    // The command docs/operations.md gives operators.
    auto pin = [&](const std::string& pem) {
      return "sha256//" + Shell("openssl x509 -in '" + pem + "' -pubkey -noout | "
                                "openssl pkey -pubin -outform der | "
                                "openssl dgst -sha256 -binary | base64");
    };
    p.server_pin = pin(p.server_pem);
    p.other_pin = pin(p.dir + "/ca-root.pem");
    p.ok = p.server_pin.size() == 52 && p.other_pin.size() == 52;
    return p;
  }();
  return pki;
}

}  // namespace yimen::testing
