#!/bin/sh
# Copy the man-pages corpus (40 gzipped roff manual pages, as Debian installs them)
# into corpus/ next to this script. Pages are copied still gzipped, flat, with
# symlinks dereferenced (cp -L).
#
# Pages and the Debian packages that install them (from dpkg -S):
#   coreutils:      ls.1 cp.1 sort.1 du.1 df.1 tail.1 chmod.1
#   tar:            tar.1
#   findutils:      find.1 xargs.1
#   grep:           grep.1
#   sed:            sed.1
#   gzip:           gzip.1
#   openssh-client: ssh.1 scp.1 ssh-keygen.1 ssh-agent.1 ssh-add.1 ssh_config.5   (mdoc)
#   tmux:           tmux.1                                                      (mdoc)
#   curl:           curl.1
#   systemd:        journalctl.1 systemctl.1 journald.conf.5 systemd.timer.5
#   dpkg:           dpkg.1
#   apt:            apt.conf.5 sources.list.5 apt-get.8 apt.8
#   mount:          fstab.5 mount.8
#   passwd:         passwd.5 shadow.5 useradd.8 usermod.8
#   login:          login.defs.5
#   libpam-modules: limits.conf.5
#   iproute2:       ip.8 ss.8
set -eu

here=$(cd "$(dirname "$0")" && pwd)
src=/usr/share/man
out="$here/corpus"

pages='
man1/ls.1.gz coreutils
man1/cp.1.gz coreutils
man1/sort.1.gz coreutils
man1/du.1.gz coreutils
man1/df.1.gz coreutils
man1/tail.1.gz coreutils
man1/chmod.1.gz coreutils
man1/tar.1.gz tar
man1/find.1.gz findutils
man1/xargs.1.gz findutils
man1/grep.1.gz grep
man1/sed.1.gz sed
man1/gzip.1.gz gzip
man1/ssh.1.gz openssh-client
man1/scp.1.gz openssh-client
man1/ssh-keygen.1.gz openssh-client
man1/ssh-agent.1.gz openssh-client
man1/ssh-add.1.gz openssh-client
man5/ssh_config.5.gz openssh-client
man1/tmux.1.gz tmux
man1/curl.1.gz curl
man1/journalctl.1.gz systemd
man1/systemctl.1.gz systemd
man5/journald.conf.5.gz systemd
man5/systemd.timer.5.gz systemd
man1/dpkg.1.gz dpkg
man5/apt.conf.5.gz apt
man5/sources.list.5.gz apt
man8/apt-get.8.gz apt
man8/apt.8.gz apt
man5/fstab.5.gz mount
man8/mount.8.gz mount
man5/passwd.5.gz passwd
man5/shadow.5.gz passwd
man8/useradd.8.gz passwd
man8/usermod.8.gz passwd
man5/login.defs.5.gz login
man5/limits.conf.5.gz libpam-modules
man8/ip.8.gz iproute2
man8/ss.8.gz iproute2
'

# Check everything first, so a missing page fails before anything is copied.
missing=0
while read -r page pkg; do
	[ -n "$page" ] || continue
	if [ ! -e "$src/$page" ]; then
		echo "corpus.sh: missing $src/$page; install the Debian package '$pkg' (apt-get install $pkg)" >&2
		missing=$((missing + 1))
	fi
done <<LIST
$pages
LIST
if [ "$missing" -gt 0 ]; then
	echo "corpus.sh: $missing page(s) missing (see above); nothing copied" >&2
	exit 1
fi

mkdir -p "$out"
n=0
for page in $(echo "$pages" | awk 'NF { print $1 }'); do
	cp -L "$src/$page" "$out/$(basename "$page")"
	n=$((n + 1))
done
echo "corpus.sh: copied $n gzipped manual pages from $src into $out"
