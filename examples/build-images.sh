#!/usr/bin/env bash
# Builds the example job images from scratch, with no registry:
#   tender/example-train:<tag>  and  tender/example-infer:<tag>
# Usage: examples/build-images.sh [tag]   (tag defaults to dev)
set -euo pipefail

tag=${1:-dev}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if ! docker info >/dev/null 2>&1; then
  echo "build-images: the Docker Engine does not answer; start it first (scripts/setup.d/20-docker.sh)" >&2
  exit 1
fi

for name in train infer; do
  ctx="$work/$name"
  mkdir -p "$ctx"
  (cd "$root" && CGO_ENABLED=0 go build -trimpath -buildvcs=false -ldflags='-s -w' -o "$ctx/$name" "./examples/$name")
  cp "$root/examples/$name/Dockerfile" "$ctx/Dockerfile"
  if ! out=$(DOCKER_BUILDKIT=0 docker build --quiet -t "tender/example-$name:$tag" "$ctx" 2>&1); then
    echo "$out" >&2
    exit 1
  fi
  echo "built tender/example-$name:$tag"
done
