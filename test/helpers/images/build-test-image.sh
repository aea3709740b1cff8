#!/usr/bin/env bash
# Builds a small real Debian image for the image-reader tests, without Docker and without network:
#   OUTDIR/oci              OCI image layout (umoci; gzip layers), tag "1"
#   OUTDIR/image-oci.tar    the same image as an OCI archive (skopeo oci-archive:)
#   OUTDIR/image-docker.tar the same image as a docker save archive (skopeo docker-archive:, plain tar layers)
# Layer 1 is a root filesystem: either ROOTFS (a directory or a tar, e.g. from mmdebstrap) or, by
# default, the files of a few Debian packages installed on this machine (dpkg's file lists) plus a
# /var/lib/dpkg/status made of their real `dpkg-query -s` stanzas.
# Layer 2 changes it the way a later `RUN apt-get remove openssl` would, with OCI whiteouts:
#   usr/bin/.wh.openssl, var/lib/dpkg/info/.wh.openssl.list, a rewritten var/lib/dpkg/status without
#   openssl, etc/ssl made opaque (.wh..wh..opq) with one new file, and a new etc/motd.
# Timestamps and owners are fixed, so the same input gives the same digests.
# Needs (Debian): umoci skopeo dpkg tar. Usage: build-test-image.sh OUTDIR [ROOTFS_DIR_OR_TAR]
set -euo pipefail
OUT="${1:?out dir}"; ROOT="${2:-}"
REF="palisade/test-image:1"; TAG=1
W="$(mktemp -d)"; trap 'rm -rf "$W"' EXIT
mkdir -p "$OUT"; rm -rf "$OUT/oci" "$OUT/image-docker.tar" "$OUT/image-oci.tar"
TAROPTS=(--mtime=@0 --owner=0 --group=0 --numeric-owner)
PKGS=(base-files bash tar zlib1g libssl3 openssl libexpat1)

if [ -n "$ROOT" ] && [ -f "$ROOT" ]; then
  cp "$ROOT" "$W/layer1.tar"
elif [ -n "$ROOT" ]; then
  tar --sort=name "${TAROPTS[@]}" -C "$ROOT" -cf "$W/layer1.tar" .
else
  mkdir -p "$W/meta/var/lib/dpkg/info"
  : > "$W/meta/var/lib/dpkg/status"; : > "$W/files"
  for pkg in "${PKGS[@]}"; do
    list="$(ls /var/lib/dpkg/info/"$pkg".list /var/lib/dpkg/info/"$pkg":*.list 2>/dev/null | head -n1 || true)"
    [ -n "$list" ] || { echo "package $pkg is not installed here" >&2; exit 1; }
    cp "$list" "$W/meta/var/lib/dpkg/info/"
    # keep what exists on this machine (docs may be path-excluded), as paths relative to /
    while IFS= read -r f; do
      [ "$f" = "/." ] && continue
      if [ -e "$f" ] || [ -L "$f" ]; then printf '%s\n' "${f#/}"; fi
    done < "$list" >> "$W/files"
    { dpkg-query -s "$pkg"; echo; } >> "$W/meta/var/lib/dpkg/status"
  done
  sort -u "$W/files" > "$W/files.sorted"
  tar "${TAROPTS[@]}" --no-recursion -C / -cf "$W/layer1.tar" -T "$W/files.sorted"
  tar "${TAROPTS[@]}" -C "$W/meta" -rf "$W/layer1.tar" var/lib/dpkg/status var/lib/dpkg/info
fi

# layer 2
mkdir -p "$W/l2/usr/bin" "$W/l2/etc/ssl" "$W/l2/var/lib/dpkg/info"
: > "$W/l2/usr/bin/.wh.openssl"
: > "$W/l2/var/lib/dpkg/info/.wh.openssl.list"
: > "$W/l2/etc/ssl/.wh..wh..opq"
echo "# written by layer 2" > "$W/l2/etc/ssl/palisade.cnf"
echo hello > "$W/l2/etc/motd"
tar -xOf "$W/layer1.tar" ./var/lib/dpkg/status 2>/dev/null > "$W/status1" || tar -xOf "$W/layer1.tar" var/lib/dpkg/status > "$W/status1"
awk 'BEGIN{RS=""; ORS="\n\n"} !/^Package: openssl\n/' "$W/status1" > "$W/l2/var/lib/dpkg/status"
tar --sort=name "${TAROPTS[@]}" -C "$W/l2" -cf "$W/layer2.tar" .

umoci init --layout "$OUT/oci"
umoci new --image "$OUT/oci:$TAG"
umoci raw add-layer --history.created 1970-01-01T00:00:00Z --history.created_by build-test-image.sh --image "$OUT/oci:$TAG" "$W/layer1.tar"
umoci raw add-layer --history.created 1970-01-01T00:00:00Z --history.created_by build-test-image.sh --image "$OUT/oci:$TAG" "$W/layer2.tar"
umoci config --no-history --created 1970-01-01T00:00:00Z --image "$OUT/oci:$TAG" --os linux --architecture amd64 \
  --config.cmd /bin/bash --config.env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
umoci gc --layout "$OUT/oci"
chmod -R a+rX "$OUT/oci"   # umoci writes blobs 0600
skopeo copy --quiet "oci:$OUT/oci:$TAG" "docker-archive:$OUT/image-docker.tar:$REF"
skopeo copy --quiet "oci:$OUT/oci:$TAG" "oci-archive:$OUT/image-oci.tar:$REF"
