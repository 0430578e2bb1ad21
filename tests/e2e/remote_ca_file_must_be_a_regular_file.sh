#!/usr/bin/env bash
# A CA file must be a regular file: --ca-file naming a directory or a fifo is a usage error
# (exit 2) on every command that takes it, before any request; a ca_file in mlops.yaml naming
# one is an error in that file (exit 4, FILE:LINE); a ca_file that has gone missing is an error
# of the command that uses the remote (exit 4, naming mlops.yaml), not of every command.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

package_project
cd proj
export MLOPS_HTTP_BACKOFF_MS=1
mkfifo "$TEST_DIR/ca.fifo"
printf 'not a real CA\n' >ca.pem
url=oci://127.0.0.1:9/team

for ca in /etc "$TEST_DIR/ca.fifo"; do
  expect_exit 2 timeout 20 "$MLOPS" push demo:1.0 "$url" --ca-file "$ca"
  expect_contains "$TEST_DIR/err" "--ca-file $ca"
  expect_exit 2 timeout 20 "$MLOPS" pull "$url/demo:1.0" --ca-file "$ca"
  expect_exit 2 timeout 20 "$MLOPS" model promote demo:1.0 --alias prod --remote "$url" --ca-file "$ca"
  expect_exit 2 timeout 20 "$MLOPS" cache push file:///nowhere --ca-file "$ca"
  expect_exit 2 timeout 20 "$MLOPS" remote add tls "$url" --ca-file "$ca"
done
expect_contains "$TEST_DIR/err" "not a regular file"
expect_exit 2 mlops push demo:1.0 "$url" --ca-file /etc
expect_contains "$TEST_DIR/err" "directory"
expect_clean_error

# In mlops.yaml: checked when read, with the line.
expect_exit 0 mlops remote add tls "$url" --ca-file ca.pem
cp mlops.yaml "$TEST_DIR/good.yaml"
sed -i 's|ca_file: ca.pem|ca_file: /etc|' mlops.yaml
expect_exit 4 mlops remote list
expect_contains "$TEST_DIR/err" "mlops.yaml:"
expect_contains "$TEST_DIR/err" "ca_file /etc"
expect_exit 4 timeout 20 "$MLOPS" push demo:1.0 tls
sed -i "s|ca_file: /etc|ca_file: $TEST_DIR/ca.fifo|" mlops.yaml
expect_exit 4 timeout 20 "$MLOPS" push demo:1.0 tls
expect_contains "$TEST_DIR/err" "mlops.yaml:"
expect_contains "$TEST_DIR/err" "not a regular file"

# Gone missing: the remote list still works; a command using the remote says which file names it.
cp "$TEST_DIR/good.yaml" mlops.yaml
rm ca.pem
expect_exit 0 mlops remote list
expect_exit 4 mlops push demo:1.0 tls
expect_contains "$TEST_DIR/err" "mlops.yaml"
expect_contains "$TEST_DIR/err" "no such file"
# The flag wins over the remote's missing file: its CA is the one checked.
expect_exit 2 mlops push demo:1.0 tls --ca-file /etc
expect_contains "$TEST_DIR/err" "--ca-file /etc"
