// SPDX-License-Identifier: MIT
// mlops_remote_probe: drives the remote module's pieces (HTTP client, later the OCI backend)
// from the integration tests, before `mlops push/pull` exist on top of them. Prints one JSON
// object on stdout; an mlops::Error becomes "probe: error: <kind>/<class>: <message>" on
// stderr and exit 5 (remote) or 1.
#include "core/json.hpp"
#include "core/sha256.hpp"
#include "remote/http_client.hpp"
#include "remote/oci_backend.hpp"

#include <mlops/error.hpp>
#include <mlops/interrupt.hpp>
#include <mlops/log.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
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

remote::Location location_of(const std::string& host) {
  remote::Location l;
  l.scheme = "oci";
  const auto slash = host.find('/');
  l.host = host.substr(0, slash);
  if (slash != std::string::npos) l.path = host.substr(slash + 1);
  return l;
}

int oci_command(const std::vector<std::string>& rest, const remote::Options& options) {
  if (rest.size() < 3) return usage();
  auto backend = remote::open_oci(location_of(rest[1]), options);
  const std::string& repo = rest[2];
  nlohmann::json out = nlohmann::json::object();
  if (rest[0] == "oci-push" && rest.size() >= 5) {
    std::vector<package::Descriptor> layers;
    std::vector<std::filesystem::path> files;
    for (std::size_t i = 4; i < rest.size(); ++i) {
      const auto d = sha256_file(rest[i]);
      package::Descriptor desc;
      desc.media_type = "application/octet-stream";
      desc.digest = "sha256:" + d.sha256;
      desc.size = d.size;
      layers.push_back(desc);
      files.emplace_back(rest[i]);
    }
    // Every blob from a thread of its own: the backend's client shares one multi handle.
    std::vector<std::thread> threads;
    std::vector<std::exception_ptr> errors(layers.size());
    for (std::size_t i = 0; i < layers.size(); ++i) {
      threads.emplace_back([&, i] {
        try {
          backend->put_blob(repo, layers[i], files[i], Progress());
        } catch (...) {
          errors[i] = std::current_exception();
        }
      });
    }
    for (auto& t : threads) t.join();
    for (const auto& e : errors) {
      if (e) std::rethrow_exception(e);
    }
    const std::string config = "{}";
    const std::string config_digest = "sha256:" + sha256_hex(config);
    const std::string tmp = (std::filesystem::temp_directory_path() / ("probe-config-" + std::to_string(::getpid()))).string();
    { std::ofstream(tmp) << config; }
    package::Descriptor cd{package::media::empty, config_digest, config.size(), "", nlohmann::json::object()};
    backend->put_blob(repo, cd, tmp, Progress());
    std::filesystem::remove(tmp);
    nlohmann::json m = {{"schemaVersion", 2},
                        {"mediaType", package::media::manifest},
                        {"artifactType", "application/vnd.example.test"},
                        {"config", package::to_json(cd)},
                        {"layers", nlohmann::json::array()}};
    for (const auto& l : layers) m["layers"].push_back(package::to_json(l));
    remote::Manifest manifest;
    manifest.media_type = package::media::manifest;
    manifest.bytes = m.dump();
    manifest.digest = "sha256:" + sha256_hex(manifest.bytes);
    backend->put_manifest(repo, manifest, rest[3]);
    out["digest"] = manifest.digest;
  } else if (rest[0] == "oci-pull" && rest.size() == 5) {
    const auto manifest = backend->get_manifest(repo, rest[3]);
    if (!manifest) throw Error(ErrorKind::not_found, "no manifest " + rest[3]);
    const auto j = parse_json(manifest->bytes, "manifest");
    std::filesystem::create_directories(rest[4]);
    std::uint64_t total = 0;
    for (const auto& l : j.at("layers")) {
      const auto d = package::parse_descriptor(l, "layer");
      const auto path = std::filesystem::path(rest[4]) / std::string(package::digest_hex(d.digest));
      std::ofstream f(path, std::ios::binary | std::ios::trunc);
      Sha256 h;
      backend->get_blob(
          repo, d, 0,
          [&](const char* p, std::size_t n) {
            h.update(p, n);
            f.write(p, static_cast<std::streamsize>(n));
          },
          Progress());
      if ("sha256:" + h.hex() != d.digest) throw Error(ErrorKind::invalid_input, "digest mismatch for " + d.digest);
      total += d.size;
    }
    out["digest"] = manifest->digest;
    out["bytes"] = total;
  } else if (rest[0] == "oci-mount" && rest.size() == 5) {
    out["mounted"] = backend->mount_blob(repo, rest[3], rest[4]);
    out["size"] = backend->stat_blob(repo, rest[4]).value_or(0);
  } else if (rest[0] == "oci-tags") {
    out["tags"] = backend->list_tags(repo);
  } else if (rest[0] == "oci-referrers" && rest.size() == 4) {
    out["referrers"] = nlohmann::json::array();
    for (const auto& d : backend->referrers(repo, rest[3])) out["referrers"].push_back(package::to_json(d));
  } else {
    return usage();
  }
  std::cout << json_text(out) << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  install_interrupt_handlers();
  std::vector<std::string> args(argv + 1, argv + argc);
  http::ClientOptions options;
  http::Request request;
  std::string out_file;
  std::vector<std::string> rest;
  remote::Options oci;
  if (const char* base = std::getenv("MLOPS_PROBE_BACKOFF_MS")) options.backoff_base = std::chrono::milliseconds(std::atol(base));
  if (const char* t = std::getenv("MLOPS_PROBE_LOW_SPEED_S")) options.low_speed_time = std::chrono::seconds(std::atol(t));
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    const auto value = [&]() -> std::string {
      if (i + 1 >= args.size()) std::exit(usage());
      return args[++i];
    };
    if (a == "--ca-file") options.ca_file = oci.ca_file = value();
    else if (a == "--plain-http") options.plain_http = oci.plain_http = true;
    else if (a == "--state-dir") oci.state_dir = value();
    else if (a == "--jobs") oci.jobs = static_cast<unsigned>(std::stoul(value()));
    else if (a == "-v") log::configure(log::Level::debug, false);
    else if (a == "--header") request.headers.push_back(split_header(value()));
    else if (a == "--secret-header") request.secret_headers.push_back(split_header(value()));
    else if (a == "--out") out_file = value();
    else if (a == "--from") request.range_from = std::stoull(value());
    else rest.push_back(a);
  }
  if (rest.size() < 2) return usage();
  try {
    if (rest[0].rfind("oci-", 0) == 0) return oci_command(rest, oci);
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
    if (!e.hint().empty()) std::cerr << "hint: " << e.hint() << "\n";
    return e.kind() == ErrorKind::remote ? 5 : e.kind() == ErrorKind::interrupted ? 130 : 1;
  }
}
