#!/usr/bin/env bash
# cache_s3_two_clones_run_nothing.sh against moto, which verifies every request's signature.
MLOPS_CACHE_S3_SERVER=MOTO exec bash "$(dirname "$0")/cache_s3_two_clones_run_nothing.sh"
