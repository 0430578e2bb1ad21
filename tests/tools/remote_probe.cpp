// SPDX-License-Identifier: MIT
// mlops_remote_probe: drives the remote module's pieces (HTTP client, later the OCI backend)
// from the integration tests, before `mlops push/pull` exist on top of them. Prints one JSON
// object on stdout; an mlops::Error becomes "probe: error: <kind>/<class>: <message>" on
// stderr and exit 5 (remote) or 1.
#include "core/json.hpp"
#include "core/sha256.hpp"
#include "remote/http_client.hpp"

#include <mlops/error.hpp>
#include <mlops/interrupt.hpp>
#include <mlops/log.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

using namespace mlops;
namespace http = mlops::remote::http;

namespace {

int usage() {
  std::fputs(
      "usage: mlops_remote_probe [--ca-file F] [--plain-http] [-v] [--header 'N: v'] [--secret-header 'N: v']\n"
      "         get URL [--out FILE] [--from N] | head URL | put URL FILE | post URL\n",
      stderr);
  return 64;
}

std::pair<std::string, std::string> split_header(const std::string& h) {
  const auto colon = h.find(':');
  if (colon == std::string::npos) return {h, ""};
  std::string v = h.substr(colon + 1);
  while (!v.empty() && v.front() == ' ') v.erase(0, 1);
  return {h.substr(0, colon), v};
}

}  // namespace

int main(int argc, char** argv) {
  install_interrupt_handlers();
  std::vector<std::string> args(argv + 1, argv + argc);
  http::ClientOptions options;
  http::Request request;
  std::string out_file;
  std::vector<std::string> rest;
  if (const char* base = std::getenv("MLOPS_PROBE_BACKOFF_MS")) options.backoff_base = std::chrono::milliseconds(std::atol(base));
  if (const char* t = std::getenv("MLOPS_PROBE_LOW_SPEED_S")) options.low_speed_time = std::chrono::seconds(std::atol(t));
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    const auto value = [&]() -> std::string {
      if (i + 1 >= args.size()) std::exit(usage());
      return args[++i];
    };
    if (a == "--ca-file") options.ca_file = value();
    else if (a == "--plain-http") options.plain_http = true;
    else if (a == "-v") log::configure(log::Level::debug, false);
    else if (a == "--header") request.headers.push_back(split_header(value()));
    else if (a == "--secret-header") request.secret_headers.push_back(split_header(value()));
    else if (a == "--out") out_file = value();
    else if (a == "--from") request.range_from = std::stoull(value());
    else rest.push_back(a);
  }
  if (rest.size() < 2) return usage();
  try {
    http::Client client(options);
    const std::string& cmd = rest[0];
    request.url = rest[1];
    Sha256 hash;
    std::ofstream out;
    if (cmd == "get") {
      request.method = http::Method::get;
      if (!out_file.empty()) out.open(out_file, std::ios::binary | (request.range_from > 0 ? std::ios::app : std::ios::trunc));
      request.resume = true;
      request.sink = [&](const char* d, std::size_t n) {
        hash.update(d, n);
        if (out.is_open()) out.write(d, static_cast<std::streamsize>(n));
      };
    } else if (cmd == "head") {
      request.method = http::Method::head;
    } else if (cmd == "put" && rest.size() == 3) {
      request.method = http::Method::put;
      request.body_file = rest[2];
      request.body_length = std::filesystem::file_size(rest[2]);
    } else if (cmd == "post") {
      request.method = http::Method::post;
    } else {
      return usage();
    }
    const http::Response r = client.send(request);
    nlohmann::json j = {{"status", r.status},
                        {"received", r.received},
                        {"bytes_sent", client.bytes_sent()},
                        {"bytes_received", client.bytes_received()},
                        {"body", r.body.substr(0, 200)}};
    if (cmd == "get") j["sha256"] = hash.hex();
    std::cout << json_text(j) << "\n";
    return 0;
  } catch (const Error& e) {
    std::cerr << "probe: error: " << to_string(e.kind()) << "/" << to_string(e.remote_failure()) << ": " << e.what() << "\n";
    return e.kind() == ErrorKind::remote ? 5 : e.kind() == ErrorKind::interrupted ? 130 : 1;
  }
}
