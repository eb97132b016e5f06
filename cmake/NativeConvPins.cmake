# Every pin of the native build lives in this file and nowhere else.
#
# For each component:
#   VERSION          upstream version or commit
#   UPSTREAM_URL     upstream archive, for machines with internet access
#   UPSTREAM_SHA256  sha256 of that upstream archive; empty = not measured yet, so the URL is
#                    refused (an archive we cannot verify is never used)
#   DEBIAN_PACKAGE / DEBIAN_VERSION
#                    the Debian source package that carries the same upstream tree
#   ARCHIVE          file name of the archive we build from (the Debian orig tarball)
#   SHA256           sha256 of ARCHIVE; checked wherever the archive comes from
#   PATCHES          our patches (cmake/patches/), applied in order after unpacking; each says why
#
# Each library's build cache key hashes every field of its components here and their patches, so a bump
# here never reuses an old build.

set(NC_COMPONENTS onednn xnnpack cpuinfo pthreadpool fxdiv)

# Debian suites whose source indexes are searched for the packages below.
set(NC_DEBIAN_SUITES bookworm trixie sid)

set(NC_onednn_VERSION         "3.7.2")
set(NC_onednn_UPSTREAM_URL    "https://github.com/uxlfoundation/oneDNN/archive/refs/tags/v3.7.2.tar.gz")
set(NC_onednn_UPSTREAM_SHA256 "")
set(NC_onednn_DEBIAN_PACKAGE  "onednn")
set(NC_onednn_DEBIAN_VERSION  "3.7.2+ds-2")
set(NC_onednn_ARCHIVE         "onednn_3.7.2+ds.orig.tar.xz")
set(NC_onednn_SHA256          "0cc51ca26c1af6a2bb1e71e378e7046f3ceb3e71791ee9d4e246d50f904a6ea6")
set(NC_onednn_PATCHES         "onednn-3.7.2-vm-empty-cache-descriptors.patch;onednn-3.7.2-brgemm-1x1-divide-by-zero.patch")

set(NC_xnnpack_VERSION         "4ea82e5")
set(NC_xnnpack_UPSTREAM_URL    "https://github.com/google/XNNPACK/archive/4ea82e5.tar.gz")
set(NC_xnnpack_UPSTREAM_SHA256 "")
set(NC_xnnpack_DEBIAN_PACKAGE  "xnnpack")
set(NC_xnnpack_DEBIAN_VERSION  "0.0~git20241108.4ea82e5-2")
set(NC_xnnpack_ARCHIVE         "xnnpack_0.0~git20241108.4ea82e5.orig.tar.xz")
set(NC_xnnpack_SHA256          "90bde2caef0f880f627bab0dc805a86c4b8070cd98e3243db3046ab3f3be1a99")

set(NC_cpuinfo_VERSION         "877328f")
set(NC_cpuinfo_UPSTREAM_URL    "https://github.com/pytorch/cpuinfo/archive/877328f.tar.gz")
set(NC_cpuinfo_UPSTREAM_SHA256 "")
set(NC_cpuinfo_DEBIAN_PACKAGE  "cpuinfo")
set(NC_cpuinfo_DEBIAN_VERSION  "0.0~git20250905.877328f-1")
set(NC_cpuinfo_ARCHIVE         "cpuinfo_0.0~git20250905.877328f.orig.tar.xz")
set(NC_cpuinfo_SHA256          "557ca404a3836b9f335a3a06b65ff9fe9dbaaefab7fb5c0185f53d9f33615a10")

set(NC_pthreadpool_VERSION         "560c60d")
set(NC_pthreadpool_UPSTREAM_URL    "https://github.com/google/pthreadpool/archive/560c60d.tar.gz")
set(NC_pthreadpool_UPSTREAM_SHA256 "")
set(NC_pthreadpool_DEBIAN_PACKAGE  "pthreadpool")
set(NC_pthreadpool_DEBIAN_VERSION  "0.0~git20240616.560c60d-1")
set(NC_pthreadpool_ARCHIVE         "pthreadpool_0.0~git20240616.560c60d.orig.tar.xz")
set(NC_pthreadpool_SHA256          "4cc3cbd933b28131d2a34edc54f76af9fb41bc490af5eae1a5bd3cd07ea90708")

set(NC_fxdiv_VERSION         "b408327")
set(NC_fxdiv_UPSTREAM_URL    "https://github.com/Maratyszcza/FXdiv/archive/b408327.tar.gz")
set(NC_fxdiv_UPSTREAM_SHA256 "")
set(NC_fxdiv_DEBIAN_PACKAGE  "fxdiv")
set(NC_fxdiv_DEBIAN_VERSION  "0.0~git20200417.b408327-4")
set(NC_fxdiv_ARCHIVE         "fxdiv_0.0~git20200417.b408327.orig.tar.xz")
set(NC_fxdiv_SHA256          "7953482badaf4cb34026c3487c257b8e4ab2df061c019bd6fabbbc12ad52c44b")

# Not a native component: onnx.proto, the schema NativeConv.Onnx generates its protobuf classes from at build time.
# It comes from Debian's binary package python3-onnx (the onnx orig tarball is gone from the archive: 404), fetched
# with `apt-get download` by build/onnx-proto.sh, verified against ARCHIVE's sha256, and extracted (MEMBER, itself
# verified) into src/NativeConv.Onnx's obj/ by its build; never copied into the tree.
set(NC_onnx_proto_VERSION         "1.12.0")
set(NC_onnx_proto_DEBIAN_BINARY   "python3-onnx")
set(NC_onnx_proto_DEBIAN_VERSION  "1.12.0-2+b4")
set(NC_onnx_proto_ARCHIVE         "python3-onnx_1.12.0-2+b4_amd64.deb")
set(NC_onnx_proto_SHA256          "a15aa99312314f3d82536f2283b843111fbe42a7f6193f5ca6d7396bf240e74f")
set(NC_onnx_proto_MEMBER          "./usr/lib/python3/dist-packages/onnx/onnx.proto")
set(NC_onnx_proto_MEMBER_SHA256   "a96f50c0fe1ff9180b6025843d4f7efcf53b024c83db55a36cd24a1e44345182")
