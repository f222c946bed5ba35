#!/bin/sh
# collect-linux.sh - collect host facts of a Linux ECS for `ims-preflight check`.
#
# Usage: collect-linux.sh [-o OUT_DIR] [-i SERVER_ID]
#
# Strictly read-only on the host: it only runs commands that report (lsblk, vgs/pvs/lvs with
# --readonly, lsinitrd/lsinitramfs, cloud-init --version, ip addr) and reads configuration
# files. It writes only below OUT_DIR (default ./ims-facts):
#
#   OUT/facts/<server-id>/lsblk.json                 lsblk --json
#   OUT/facts/<server-id>/vgs.json, pvs.json, lvs.json   LVM JSON reports (root only)
#   OUT/notes/<server-id>/*.txt, *.log               optimisation hints for people
#
# `ims-preflight check OUT` reads every file in facts/<server-id>/ as host facts of that
# server, so only the formats the checker knows go there. The notes are plain text the checker
# does not read; summary.txt ends with a suggested `optimization:` block for the inventory.
#
# POSIX sh; every missing command is skipped with a message. See README.md next to this file.

set -u

PROG=${0##*/}
OUT=./ims-facts
SERVER_ID=
ID_SOURCE=
META_URL=http://169.254.169.254/openstack/latest/meta_data.json
TAB=$(printf '\t')
# LVM and lsinitrd live in sbin, which is not always on a non-login PATH.
PATH=$PATH:/sbin:/usr/sbin
export PATH

usage() {
    cat <<EOF
Usage: $PROG [-o OUT_DIR] [-i SERVER_ID]

Collect read-only host facts of this Linux ECS for ims-preflight.

  -o OUT_DIR    output folder (default: ./ims-facts)
  -i SERVER_ID  ECS server id (UUID). Default: cloud-init's
                /var/lib/cloud/data/instance-id, else the metadata service
                $META_URL
  -h            show this help

Writes OUT_DIR/facts/<server-id>/ (lsblk and LVM JSON for the checker) and
OUT_DIR/notes/<server-id>/ (optimisation hints as text). Then run:
  ims-preflight check OUT_DIR
EOF
}

warn() { printf '%s: warning: %s\n' "$PROG" "$*" >&2; }
die() {
    printf '%s: error: %s\n' "$PROG" "$*" >&2
    exit 1
}
have() { command -v "$1" >/dev/null 2>&1; }

# True when $1 is one UUID (8-4-4-4-12 hex digits), the only server ids the checker accepts.
is_uuid() {
    case $1 in
        '' | *[!0-9a-fA-F-]*) return 1 ;;
    esac
    printf '%s\n' "$1" | grep -Eq '^[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}$'
}

while getopts o:i:h opt; do
    case $opt in
        o) OUT=$OPTARG ;;
        i) SERVER_ID=$OPTARG ;;
        h)
            usage
            exit 0
            ;;
        *)
            usage >&2
            exit 2
            ;;
    esac
done
shift $((OPTIND - 1))
if [ $# -ne 0 ]; then
    usage >&2
    exit 2
fi
[ -n "$OUT" ] || die "-o needs a folder"

# --- server id ------------------------------------------------------------------------------

# Print the metadata service's meta_data.json (no proxy, short timeouts); fail if unreachable.
fetch_metadata() {
    if have curl; then
        no_proxy=169.254.169.254 NO_PROXY=169.254.169.254 \
            curl -fsS --connect-timeout 3 --max-time 5 "$META_URL" 2>/dev/null && return 0
    fi
    if have wget; then
        if wget --version 2>/dev/null | grep -q 'GNU Wget'; then
            no_proxy=169.254.169.254 wget -q -T 5 -t 1 -O - "$META_URL" 2>/dev/null && return 0
        else
            # BusyBox wget has no -t (tries).
            no_proxy=169.254.169.254 wget -q -T 5 -O - "$META_URL" 2>/dev/null && return 0
        fi
    fi
    return 1
}

if [ -n "$SERVER_ID" ]; then
    is_uuid "$SERVER_ID" || die "-i '$SERVER_ID' is not a server id (a UUID like 5b1f6e52-3c0a-4d8e-9f1a-2b7c4d6e8a01)"
    ID_SOURCE="-i"
else
    if [ -r /var/lib/cloud/data/instance-id ]; then
        candidate=$(head -n 1 /var/lib/cloud/data/instance-id | tr -d " \r$TAB")
        if is_uuid "$candidate"; then
            SERVER_ID=$candidate
            ID_SOURCE=/var/lib/cloud/data/instance-id
        else
            warn "cloud-init instance id '$candidate' is not a UUID; trying the metadata service"
        fi
    fi
    if [ -z "$SERVER_ID" ]; then
        if ! have curl && ! have wget; then
            die "no server id: pass -i SERVER_ID (no cloud-init instance id, and neither curl nor wget to ask $META_URL)"
        fi
        if meta=$(fetch_metadata); then
            # One JSON member per line (split at , { and }), then the first "uuid" member.
            candidate=$(printf '%s\n' "$meta" | sed 's/[{},]/\
/g' |
                sed -n 's/^[[:space:]]*"uuid"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p' | head -n 1)
            if is_uuid "$candidate"; then
                SERVER_ID=$candidate
                ID_SOURCE=$META_URL
            else
                die "no server id: $META_URL has no usable \"uuid\"; pass -i SERVER_ID"
            fi
        else
            die "no server id: pass -i SERVER_ID (no cloud-init instance id, and $META_URL did not answer)"
        fi
    fi
fi
SERVER_ID=$(printf '%s' "$SERVER_ID" | tr 'A-F' 'a-f')

# --- output folders -------------------------------------------------------------------------

FACTS=$OUT/facts/$SERVER_ID
NOTES=$OUT/notes/$SERVER_ID
mkdir -p -- "$FACTS" "$NOTES" || die "cannot create $FACTS and $NOTES"

# Facts files this script owns: drop the ones of an earlier run so a skipped source (say, LVM
# when not root) does not leave stale facts behind. Other files in the folder are left alone.
rm -f -- "$FACTS/lsblk.json" "$FACTS/vgs.json" "$FACTS/pvs.json" "$FACTS/lvs.json"

# Scratch files live in the notes folder (not read by the checker) and are removed on exit.
TMP=$NOTES/.collect.$$
cleanup() { rm -f -- "$TMP" "$TMP.err" "$TMP.initrd"; }
trap cleanup EXIT
trap 'cleanup; exit 130' HUP INT TERM

WRITTEN=
record() {
    WRITTEN="$WRITTEN
  $1"
}

# First non-blank character of file $1 (to tell JSON from an error message).
first_char() { awk 'NF { print substr($1, 1, 1); exit }' "$1"; }

KVER=$(uname -r 2>/dev/null || echo unknown)
IS_ROOT=no
[ "$(id -u 2>/dev/null)" = 0 ] && IS_ROOT=yes

# Checklist verdicts for summary.txt: true, false or unknown, each with a reason.
V_DHCP=unknown R_DHCP=
V_VIRTIO=unknown R_VIRTIO=
V_UDEV=unknown R_UDEV=
V_FSTAB=unknown R_FSTAB=
V_GRUB=unknown R_GRUB=
V_CLOUD=unknown R_CLOUD=

# --- facts: lsblk ---------------------------------------------------------------------------

collect_lsblk() {
    if ! have lsblk; then
        warn "lsblk not found (util-linux); no lsblk.json"
        return
    fi
    for cols in NAME,KNAME,PKNAME,TYPE,SIZE,FSTYPE,MOUNTPOINT NAME,KNAME,TYPE,SIZE,FSTYPE,MOUNTPOINT; do
        if lsblk --json -o "$cols" >"$TMP" 2>"$TMP.err" &&
            [ "$(first_char "$TMP")" = "{" ] && grep -q '"blockdevices"' "$TMP"; then
            mv -f -- "$TMP" "$FACTS/lsblk.json" && record "$FACTS/lsblk.json"
            return
        fi
    done
    warn "lsblk --json failed (util-linux older than 2.27?): $(head -n 1 "$TMP.err")"
    # Keep a plain listing for people; the checker cannot read it, so it goes to the notes.
    if lsblk -o NAME,KNAME,TYPE,SIZE,FSTYPE,MOUNTPOINT >"$NOTES/lsblk.txt" 2>&1; then
        record "$NOTES/lsblk.txt"
    fi
}

# --- facts: LVM reports ---------------------------------------------------------------------

# Run an LVM reporting command as `vgs ...` or, where only the multi-call binary exists,
# `lvm vgs ...`.
lvm_run() {
    if have "$1"; then
        "$@"
    else
        lvm "$@"
    fi
}

# lvm_report CMD COLUMNS FILE USABLE_REGEX: write FILE only when the report has a row the
# checker can use (an empty report is an `inventory-facts` error, so it is not written).
lvm_report() {
    cmd=$1 cols=$2 file=$3 usable=$4
    if ! lvm_run "$cmd" --readonly --reportformat json -o "$cols" >"$TMP" 2>"$TMP.err"; then
        warn "$cmd --reportformat json failed (LVM older than 2.02.158?): $(head -n 1 "$TMP.err")"
        cat "$TMP.err" >>"$NOTES/lvm.log"
        return
    fi
    cat "$TMP.err" >>"$NOTES/lvm.log"
    if [ "$(first_char "$TMP")" != "{" ] || ! grep -q '"report"' "$TMP"; then
        warn "$cmd printed no JSON report; $file not written"
        return
    fi
    if ! grep -Eq "$usable" "$TMP"; then
        echo "$cmd: no rows to report; $file not written" >>"$NOTES/lvm.log"
        return
    fi
    mv -f -- "$TMP" "$FACTS/$file" && record "$FACTS/$file"
}

collect_lvm() {
    if ! have vgs && ! have lvm; then
        echo "LVM tools (lvm2) not installed: no vgs/pvs/lvs reports" >"$NOTES/lvm.log"
        record "$NOTES/lvm.log"
        return
    fi
    if [ "$IS_ROOT" != yes ]; then
        warn "not root: LVM reports (vgs/pvs/lvs) skipped; run as root to collect them"
        echo "not run as root: no vgs/pvs/lvs reports" >"$NOTES/lvm.log"
        record "$NOTES/lvm.log"
        return
    fi
    : >"$NOTES/lvm.log"
    LVM_SUPPRESS_FD_WARNINGS=1
    export LVM_SUPPRESS_FD_WARNINGS
    lvm_report vgs vg_name,pv_count vgs.json '"vg_name"'
    lvm_report pvs pv_name,vg_name pvs.json '"vg_name"[[:space:]]*:[[:space:]]*"[^"]'
    lvm_report lvs vg_name,lv_name,devices lvs.json '"devices"[[:space:]]*:[[:space:]]*"[^"]'
    if [ -s "$NOTES/lvm.log" ]; then
        record "$NOTES/lvm.log"
    else
        rm -f -- "$NOTES/lvm.log"
    fi
}

# --- notes: /etc/fstab (L4) ------------------------------------------------------------------

note_fstab() {
    out=$NOTES/fstab.txt
    {
        echo "# L4: /etc/fstab should mount by UUID= (Huawei: every entry as UUID=..., not /dev/vda1)."
        echo "# NOT-UUID = device name that changes with the hardware; REVIEW = stable but not UUID;"
        echo "# OK-LVM = LVM/device-mapper name (independent of disk names)."
        if [ ! -r /etc/fstab ]; then
            echo "RESULT: unknown (/etc/fstab not readable)"
        else
            awk '
                /^[ \t]*#/ || NF < 2 { next }
                {
                    s = $1
                    if (s ~ /^UUID=/ || s ~ /^\/dev\/disk\/by-uuid\//) { ok++; next }
                    if (s ~ /^\/dev\/(sr|cdrom|fd)/) next
                    if (s ~ /^\/dev\/mapper\//) { print "OK-LVM    " $0; next }
                    if (s ~ /^(LABEL|PARTUUID|PARTLABEL)=/ || s ~ /^\/dev\/disk\/by-(label|partuuid|partlabel)\//) {
                        review++; print "REVIEW    " $0; next
                    }
                    if (s ~ /^\/dev\/disk\//) { bad++; print "NOT-UUID  " $0; next }
                    if (s ~ /^\/dev\/[^\/]+\/[^\/]+$/) { print "OK-LVM    " $0; next }
                    if (s ~ /^\/dev\//) { bad++; print "NOT-UUID  " $0; next }
                }
                END {
                    printf "%d entries by UUID\n", ok
                    if (bad) print "RESULT: false"
                    else if (review) print "RESULT: unknown"
                    else if (ok) print "RESULT: true"
                    else print "RESULT: true (no block-device entries)"
                }' /etc/fstab
        fi
    } >"$out"
    record "$out"
    V_FSTAB=$(sed -n 's/^RESULT: \([a-z]*\).*/\1/p' "$out" | tail -n 1)
    case $V_FSTAB in
        true)
            R_FSTAB="every block device in /etc/fstab is named by UUID or LVM name"
            grep -q '^RESULT: true (no' "$out" && R_FSTAB="/etc/fstab names no block device"
            ;;
        false) R_FSTAB="/etc/fstab names devices like /dev/vda1 (NOT-UUID lines)" ;;
        *)
            V_FSTAB=unknown
            R_FSTAB="LABEL=/PARTUUID= entries or unreadable /etc/fstab"
            ;;
    esac
}

# --- notes: GRUB root= (L3) ------------------------------------------------------------------

note_grub() {
    out=$NOTES/grub.txt
    {
        echo "# L3: GRUB should name the root disk by UUID (root=UUID=...)."
        echo "# Kernel command lines: /proc/cmdline (running), grub.cfg linux lines, BLS entries, grubenv."
        for f in /proc/cmdline /etc/default/grub /boot/grub2/grub.cfg /boot/grub/grub.cfg \
            /boot/grub2/grubenv /boot/grub/grubenv /boot/grub/menu.lst /boot/grub/grub.conf \
            /boot/efi/EFI/*/grub.cfg /boot/loader/entries/*.conf; do
            [ -f "$f" ] || continue
            if [ ! -r "$f" ]; then
                echo "$f: not readable (run as root)"
                continue
            fi
            awk -v f="$f" -v q="'" '
                FILENAME == "/proc/cmdline" || $1 ~ /^(linux|linux16|linuxefi|kernel|options)$/ ||
                    $0 ~ /^[ \t]*(kernelopts=|GRUB_CMDLINE_LINUX)/ {
                    for (i = 1; i <= NF; i++) {
                        v = $i
                        gsub(/"/, "", v)
                        gsub(q, "", v)
                        sub(/^kernelopts=/, "", v)
                        sub(/^GRUB_CMDLINE_LINUX(_DEFAULT)?=/, "", v)
                        if (v ~ /^root=/) print f ": " v
                    }
                }
                /^[ \t]*GRUB_DISABLE_LINUX_UUID=/ { print f ": " $0 }
            ' "$f" | sort -u
        done
    } >"$out"
    record "$out"
    n_uuid=0 n_bad=0 n_review=0 n_lvm=0
    while IFS= read -r line; do
        case $line in
            *": root=UUID="* | *": root=/dev/disk/by-uuid/"*) n_uuid=$((n_uuid + 1)) ;;
            *": root=/dev/disk/by-label/"* | *": root=/dev/disk/by-part"*) n_review=$((n_review + 1)) ;;
            *": root=/dev/disk/"*) n_bad=$((n_bad + 1)) ;;
            *": root=/dev/mapper/"* | *": root=/dev/"*/*) n_lvm=$((n_lvm + 1)) ;;
            *": root=/dev/"*) n_bad=$((n_bad + 1)) ;;
            *": root="*) n_review=$((n_review + 1)) ;;
            *GRUB_DISABLE_LINUX_UUID=*true*) n_bad=$((n_bad + 1)) ;;
        esac
    done <"$out"
    if [ "$n_bad" -gt 0 ]; then
        V_GRUB=false
        R_GRUB="root= names a device like /dev/vda1 (or GRUB_DISABLE_LINUX_UUID=true)"
        echo "RESULT: false" >>"$out"
    elif [ "$n_review" -gt 0 ]; then
        R_GRUB="root= uses LABEL=/PARTUUID= or another form; review grub.txt"
        echo "RESULT: unknown" >>"$out"
    elif [ $((n_uuid + n_lvm)) -gt 0 ]; then
        V_GRUB=true
        R_GRUB="every root= found is UUID= or an LVM name"
        echo "RESULT: true" >>"$out"
    else
        R_GRUB="no root= found (not readable, or no GRUB; run as root)"
        echo "RESULT: unknown" >>"$out"
    fi
}

# --- initrd listing (shared by L2 and L5) ----------------------------------------------------

INITRD_IMG=
INITRD_TOOL=
list_initrd() {
    for img in "/boot/initramfs-$KVER.img" "/boot/initrd.img-$KVER" "/boot/initrd-$KVER" \
        "/boot/initrd-$KVER.img" "/boot/initramfs-$KVER"; do
        if [ -f "$img" ]; then
            INITRD_IMG=$img
            break
        fi
    done
    [ -n "$INITRD_IMG" ] || return 1
    [ -r "$INITRD_IMG" ] || return 1
    if have lsinitrd; then
        INITRD_TOOL=lsinitrd
        lsinitrd "$INITRD_IMG" >"$TMP.initrd" 2>/dev/null && return 0
    fi
    if have lsinitramfs; then
        INITRD_TOOL=lsinitramfs
        lsinitramfs "$INITRD_IMG" >"$TMP.initrd" 2>/dev/null && return 0
    fi
    INITRD_TOOL=
    return 1
}

# --- notes: virtio drivers (L5) --------------------------------------------------------------

note_virtio() {
    out=$NOTES/initrd-virtio.txt
    have_listing=no
    [ -s "$TMP.initrd" ] && have_listing=yes
    builtin=/lib/modules/$KVER/modules.builtin
    missing=
    {
        echo "# L5: the initrd must carry the KVM virtio drivers: virtio_blk virtio_scsi virtio_net"
        echo "# virtio_pci virtio_ring virtio (built into the kernel also counts)."
        echo "kernel: $KVER"
        if [ "$have_listing" = yes ]; then
            echo "initrd: $INITRD_IMG (listed with $INITRD_TOOL)"
        elif [ -n "$INITRD_IMG" ]; then
            echo "initrd: $INITRD_IMG (could not list it: no lsinitrd/lsinitramfs, or not root)"
        else
            echo "initrd: none found in /boot for kernel $KVER"
        fi
        for m in virtio virtio_ring virtio_pci virtio_blk virtio_scsi virtio_net; do
            where=
            if [ "$have_listing" = yes ] && grep -q "/$m\.ko" "$TMP.initrd"; then
                where=initrd
            elif [ -r "$builtin" ] && grep -q "/$m\.ko\$" "$builtin"; then
                where=built-in
            fi
            if [ -z "$where" ]; then
                missing="$missing $m"
                where=MISSING
                [ "$have_listing" = yes ] || where="not found (initrd not listed)"
            fi
            printf '%-12s %s\n' "$m" "$where"
        done
        if [ -r /proc/modules ]; then
            printf 'loaded now: '
            awk '$1 ~ /^virtio/ { printf "%s ", $1 } END { print "" }' /proc/modules
        fi
        if have lscpu; then
            lscpu 2>/dev/null | grep -i '^hypervisor vendor' ||
                echo "Hypervisor vendor: (not reported)"
            if lscpu 2>/dev/null | grep -qi '^hypervisor vendor:.*xen'; then
                echo "XEN: Huawei asks to uninstall Xen PV drivers and add virtio before imaging"
            fi
        fi
    } >"$out"
    record "$out"
    if [ -z "$missing" ]; then
        V_VIRTIO=true
        R_VIRTIO="all six virtio modules are in the initrd or built into the kernel"
    elif [ "$have_listing" = yes ]; then
        V_VIRTIO=false
        R_VIRTIO="missing from the initrd:$missing"
    else
        R_VIRTIO="initrd not inspected (no lsinitrd/lsinitramfs, or not root)"
    fi
}

# --- notes: persistent network udev rules (L2) ----------------------------------------------

note_udev() {
    out=$NOTES/udev-net-rules.txt
    found=0
    {
        echo "# L2: delete persistent network udev rules (/etc/udev/rules.d/*persistent*net*),"
        echo "# also inside the initrd (then rebuild it). CentOS 6: keep an EMPTY"
        echo "# /etc/udev/rules.d/75-persistent-net-generator.rules."
        for f in /etc/udev/rules.d/*; do
            [ -e "$f" ] || continue
            case ${f##*/} in
                *persistent*net* | *net*persistent*)
                    if [ -s "$f" ]; then
                        echo "PRESENT   $f"
                        found=$((found + 1))
                    else
                        echo "EMPTY     $f (an empty override is fine)"
                    fi
                    ;;
            esac
        done
        gen=/lib/udev/rules.d/75-persistent-net-generator.rules
        if [ -f "$gen" ] && [ ! -e /etc/udev/rules.d/75-persistent-net-generator.rules ]; then
            echo "REVIEW    $gen is active (CentOS 6 regenerates 70-persistent-net.rules)"
        fi
        if [ -s "$TMP.initrd" ]; then
            if grep persistent "$TMP.initrd" | grep net >"$TMP"; then
                sed 's/^/INITRD    /' "$TMP"
                found=$((found + 1))
            else
                echo "initrd $INITRD_IMG: no persistent net rules"
            fi
        else
            echo "initrd: not inspected (no lsinitrd/lsinitramfs, or not root)"
        fi
        echo "FOUND: $found"
    } >"$out"
    record "$out"
    found=$(sed -n 's/^FOUND: //p' "$out")
    if [ "$found" -gt 0 ]; then
        V_UDEV=false
        R_UDEV="persistent net rules present (PRESENT/INITRD lines)"
    else
        V_UDEV=true
        R_UDEV="no persistent net rules in /etc/udev/rules.d"
        [ -s "$TMP.initrd" ] || R_UDEV="$R_UDEV (initrd not inspected)"
    fi
}

# --- notes: Cloud-Init (L6) ------------------------------------------------------------------

note_cloud_init() {
    out=$NOTES/cloud-init.txt
    {
        echo "# L6: Cloud-Init installed (recommended): datasource_list: [ OpenStack ],"
        echo "# metadata_urls: ['http://169.254.169.254'], network: {config: disabled}, a non-root"
        echo "# user with lock_passwd: False; CentOS/EulerOS NOZEROCONF=yes."
        if have cloud-init; then
            echo "installed: $(cloud-init --version 2>&1 | head -n 1)"
        else
            echo "installed: no (cloud-init command not found)"
        fi
        if have systemctl; then
            for u in cloud-init-local cloud-init cloud-config cloud-final; do
                state=$(systemctl is-enabled "$u.service" 2>/dev/null)
                printf '%s.service: %s\n' "$u" "${state:-unknown}"
            done
        fi
        for f in /etc/cloud/cloud.cfg /etc/cloud/cloud.cfg.d/*.cfg; do
            [ -f "$f" ] || continue
            grep -nE 'datasource_list|metadata_urls|config:[[:space:]]*disabled|apply_network_config|manage_etc_hosts|lock_passwd|disable_root' "$f" 2>/dev/null |
                sed "s|^|$f:|"
        done
        if [ -f /etc/sysconfig/network ]; then
            if grep -q NOZEROCONF /etc/sysconfig/network 2>/dev/null; then
                grep -n NOZEROCONF /etc/sysconfig/network | sed 's|^|/etc/sysconfig/network:|'
            else
                echo "/etc/sysconfig/network: no NOZEROCONF"
            fi
        fi
    } >"$out"
    record "$out"
    if have cloud-init || [ -f /etc/cloud/cloud.cfg ]; then
        V_CLOUD=true
        R_CLOUD="cloud-init is installed (check its settings in cloud-init.txt)"
    else
        V_CLOUD=false
        R_CLOUD="cloud-init is not installed (recommended, not required)"
    fi
}

# --- notes: DHCP (L1) ------------------------------------------------------------------------

note_dhcp() {
    out=$NOTES/network-dhcp.txt
    {
        echo "# L1: every NIC must use DHCP. DHCP = configured for DHCP; STATIC = fixed address."
        for f in /etc/netplan/*.yaml /etc/netplan/*.yml; do
            [ -f "$f" ] || continue
            if [ ! -r "$f" ]; then
                echo "$f: not readable (run as root)"
                continue
            fi
            awk -v f="$f" '
                /dhcp4:[ \t]*(true|yes)/ { print "DHCP      " f ": " $0; next }
                /dhcp4:[ \t]*(false|no)/ { print "STATIC    " f ": " $0; next }
                /addresses:/ { print "note      " f ": " $0 }
            ' "$f"
        done
        for f in /etc/network/interfaces /etc/network/interfaces.d/*; do
            [ -f "$f" ] || continue
            awk -v f="$f" '
                $1 == "iface" && $2 != "lo" && $3 == "inet" {
                    if ($4 == "dhcp") print "DHCP      " f ": " $0
                    else if ($4 == "static") print "STATIC    " f ": " $0
                    else print "note      " f ": " $0
                }
            ' "$f"
        done
        for f in /etc/sysconfig/network-scripts/ifcfg-* /etc/sysconfig/network/ifcfg-*; do
            [ -f "$f" ] || continue
            case ${f##*/} in ifcfg-lo | ifcfg-lo:*) continue ;; esac
            awk -v f="$f" -v q="'" '
                { gsub(/"/, ""); gsub(q, "") }
                /^BOOTPROTO=/ { bp = substr($0, 11) }
                /^IPADDR[0-9]*=./ { ip = 1 }
                /^(PERSISTENT_DHCLIENT|DHCLIENT_USE_LAST_LEASE)=/ { print "note      " f ": " $0 }
                END {
                    if (bp ~ /^dhcp/) print "DHCP      " f ": BOOTPROTO=" bp
                    else if (bp == "static" || ip) print "STATIC    " f ": BOOTPROTO=" bp (ip ? " with IPADDR" : "")
                    else print "note      " f ": BOOTPROTO=" bp " (no address)"
                }
            ' "$f"
        done
        if [ -f /etc/sysconfig/network/dhcp ]; then
            grep -n '^DHCLIENT_USE_LAST_LEASE' /etc/sysconfig/network/dhcp | sed 's|^|note      /etc/sysconfig/network/dhcp:|'
        fi
        for f in /etc/NetworkManager/system-connections/*; do
            [ -f "$f" ] || continue
            if [ ! -r "$f" ]; then
                echo "$f: not readable (run as root)"
                continue
            fi
            awk -v f="$f" '
                /^\[/ { sec = $0; next }
                sec == "[ipv4]" && /^method=/ {
                    m = substr($0, 8)
                    if (m == "auto") print "DHCP      " f ": " $0
                    else if (m == "manual") print "STATIC    " f ": " $0
                    else print "note      " f ": " $0
                }
            ' "$f"
        done
        for f in /etc/systemd/network/*.network; do
            [ -f "$f" ] || continue
            awk -v f="$f" '
                /^DHCP=(yes|true|ipv4|both)/ { d = 1 }
                /^Address=/ { a = 1 }
                END {
                    if (d) print "DHCP      " f ": DHCP enabled"
                    else if (a) print "STATIC    " f ": Address= without DHCP"
                }
            ' "$f"
        done
        if have ip; then
            echo "# running IPv4 addresses (\"dynamic\" = leased by DHCP):"
            ip -4 -o addr show scope global 2>/dev/null | awk '{
                print (/ dynamic/ ? "runtime   dynamic  " : "runtime   fixed    ") $2 " " $4
            }'
        fi
    } >"$out"
    record "$out"
    n_dhcp=$(grep -c '^DHCP ' "$out")
    n_static=$(grep -c '^STATIC ' "$out")
    n_dyn=$(grep -c '^runtime   dynamic' "$out")
    if [ "$n_static" -gt 0 ]; then
        V_DHCP=false
        R_DHCP="$n_static interface configuration(s) with a fixed address (STATIC lines)"
    elif [ "$n_dhcp" -gt 0 ]; then
        V_DHCP=true
        R_DHCP="every configured interface uses DHCP"
    elif [ "$n_dyn" -gt 0 ]; then
        V_DHCP=true
        R_DHCP="no configuration file found, but the running addresses are DHCP leases"
    else
        R_DHCP="no network configuration recognised (see network-dhcp.txt)"
    fi
}

# --- notes: system and summary ---------------------------------------------------------------

note_system() {
    out=$NOTES/system.txt
    {
        echo "collected: $(date -u '+%Y-%m-%dT%H:%M:%SZ' 2>/dev/null) by $PROG"
        echo "server id: $SERVER_ID (from $ID_SOURCE)"
        echo "root: $IS_ROOT"
        echo "kernel: $(uname -srm 2>/dev/null)"
        if [ -r /etc/os-release ]; then
            grep -E '^(PRETTY_NAME|ID|VERSION_ID)=' /etc/os-release
        fi
    } >"$out"
    record "$out"
}

# One `key: value  # reason` line; unknown values are commented out.
snippet_line() {
    if [ "$2" = unknown ]; then
        printf '      # %s: ?   # %s\n' "$1" "$3"
    else
        printf '      %s: %s   # %s\n' "$1" "$2" "$3"
    fi
}

note_summary() {
    out=$NOTES/summary.txt
    {
        echo "Huawei optimisation checklist (Huawei Cloud IMS guide: optimising a Linux private image) for $SERVER_ID"
        printf '  %-32s %-8s %s\n' "L1 dhcp" "$V_DHCP" "$R_DHCP"
        printf '  %-32s %-8s %s\n' "L2 persistent_net_rules_removed" "$V_UDEV" "$R_UDEV"
        printf '  %-32s %-8s %s\n' "L3 grub_uuid" "$V_GRUB" "$R_GRUB"
        printf '  %-32s %-8s %s\n' "L4 fstab_uuid" "$V_FSTAB" "$R_FSTAB"
        printf '  %-32s %-8s %s\n' "L5 virtio_drivers" "$V_VIRTIO" "$R_VIRTIO"
        printf '  %-32s %-8s %s\n' "L6 cloud_init" "$V_CLOUD" "$R_CLOUD"
        echo
        echo "The checker does not read these notes. Suggested inventory entry (review first;"
        echo "the facts folder already supplies the LVM layout):"
        echo
        echo "servers:"
        echo "  - id: $SERVER_ID"
        echo "    os: linux"
        echo "    optimization:"
        snippet_line dhcp "$V_DHCP" "$R_DHCP"
        snippet_line virtio_drivers "$V_VIRTIO" "$R_VIRTIO"
        snippet_line persistent_net_rules_removed "$V_UDEV" "$R_UDEV"
        snippet_line fstab_uuid "$V_FSTAB" "$R_FSTAB"
        snippet_line grub_uuid "$V_GRUB" "$R_GRUB"
        snippet_line cloud_init "$V_CLOUD" "$R_CLOUD"
    } >"$out"
    record "$out"
}

# --- run ------------------------------------------------------------------------------------

collect_lsblk
collect_lvm
note_system
list_initrd || :
note_fstab
note_grub
note_udev
note_virtio
note_cloud_init
note_dhcp
note_summary

printf 'ims-preflight host facts for server %s (id from %s)\nwritten:%s\n\n' \
    "$SERVER_ID" "$ID_SOURCE" "$WRITTEN"
sed -n '1,7p' "$NOTES/summary.txt"
printf '\nCheck with:\n  ims-preflight check %s\n' "$OUT"
printf 'or together with your inventory and API dumps:\n  ims-preflight check %s inventory.yaml api/\n' "$OUT"
