// The written severity policy of the risk badge. notes/risk.md (and the README's security
// section) carry the same text; tests/commands/test_risk_policy_text.py keeps them equal.

export interface PolicyLevel {
  level: "dangerous" | "caution" | "safe";
  summary: string;
  items: string[];
}

export const RISK_POLICY_INTRO =
  "Forge reads every command before it runs and rates it by what it would destroy. Commands with the same effect get the same verdict: wrappers (sudo, doas, env, nice, ionice, timeout, nohup, setsid, stdbuf, time, watch, xargs, parallel, find -exec/-execdir/-ok, sh/bash/zsh -c, eval, su -c, ssh's remote command) are followed into the command they run, and a command fed by find or ls is judged by what they list.";

export const RISK_POLICY: PolicyLevel[] = [
  {
    level: "dangerous",
    summary: "Needs typed confirmation. Irreversible deletion or overwrite of:",
    items: [
      "the filesystem root, a home directory or anything in it (~/x, $HOME/x, /home/user/x), or a system location, recursively; when deleting recursively, any absolute path outside /tmp, /var/tmp and /dev/shm counts as a system location;",
      "a whole working tree (rm -rf ., rm -rf *, rm *, git clean -fdx, git reset --hard);",
      "a device (dd of=/dev/sda, mkfs, wipefs, shred or a redirect onto /dev/…);",
      "every file a broad find matches (no narrowing test such as -name, -mtime or -size), whether by -delete, -exec rm, xargs rm or parallel rm; a narrowing find under a home or system location too;",
      "system files: writing, moving, extracting (tar -C /) or a recursive chmod/chown in /etc, /usr, /boot, /var and the like;",
      "a path built on a variable that becomes absolute if the variable is empty (rm -rf \"$DIR/\"…).",
      "Also dangerous: git push --force, removing system packages, shutdown or reboot, kill -1, crontab -r, terraform destroy, dropping a database, fork bombs, running code downloaded from the network (curl … | sh), and a command too long (over 32,768 characters) or too deeply nested to analyse.",
    ],
  },
  {
    level: "caution",
    summary: "Runs with one click; the reasons are shown. Narrower or recoverable destruction:",
    items: [
      "recursive deletion of a named folder in the working tree or inside a temporary directory (rm -rf build);",
      "deleting the files a narrowing find picks in the working tree, or whatever paths a pipe or a file lists (xargs rm < list);",
      "emptying, truncating or shredding a file (truncate -s 0, : > file, cp /dev/null file), endless writes (yes > file), in-place edits of every file find feeds, rsync --delete into a relative folder;",
      "signalling processes by name, by user or by computed PIDs (pkill, killall, kill $(…)); running as root (sudo); running a command computed at run time;",
      "git push --force-with-lease, git clean -f, git branch -D, uninstalling user packages, docker prune and the like.",
    ],
  },
  {
    level: "safe",
    summary: "Nothing above was found:",
    items: ["reading, building, copying, moving, writing output files, deleting named files."],
  },
];

export const RISK_POLICY_LIMITS =
  "The badge is a guard-rail, not a sandbox. It reads the command as written: it cannot see inside scripts or programs it starts (./deploy.sh, make, npm run), aliases or functions defined elsewhere, variables set outside the command, or the contents of files a command reads; a safe badge is not a promise that nothing is lost.";
