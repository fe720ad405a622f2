/**
 * What trainees are expected to do inside their nodes, per shipped template: the commands a team
 * types in its terminals to contain, eradicate and recover (given the range's variables, as the
 * team would have found them). A command naming a step may be typed as soon as that step has run
 * (it blocks no later step: a time bonus asks for it early); the others once the attack is over.
 */
export type Defence = (v: Record<string, string>) => Array<[node: string, argv: string[], afterStep?: string]>;

// Replaces the CGI's eval by a strict check of the address: the fix trainees are expected to make.
const PATCH_CGI = ['sh', '-c', `sed -i 's/^eval .*/case "$host" in *[!0-9.]*) echo rejected ;; *) ping -c 1 -W 1 "$host" ;; esac/' /run/app/ping.sh`];

export const DEFENCES: Record<string, Defence> = {
  'course-a': (v) => [
    // Within the contain objective's time bonus; cron (every minute, from the persistence step) may
    // start it again, so it is stopped again with the rest.
    ['web', ['pkill', '-f', v.implant_name!], 'implant'],
    ['web', PATCH_CGI],
    ['web', ['crontab', '-r']],
    ['web', ['sh', '-c', `pkill -f '${v.implant_name}' || true`]],
    ['web', ['sh', '-c', 'rm -rf /tmp/.cache && cp /srv/www/index.html /run/www/index.html']],
  ],
  'course-b': (v) => [
    ['pc01', ['crontab', '-r']],
    ['pc01', ['pkill', '-f', v.implant_name!]],
    ['pc01', ['rm', '-rf', '/tmp/.cache']],
    ['fileserver', ['sh', '-c', `sed -i 's/:${v.admin_password}$/:Rotated-2026-x9/' /run/httpd.conf && kill -HUP $(pidof httpd)`]],
  ],
  'course-c': (v) => [
    ['web', PATCH_CGI],
    ['web', ['crontab', '-r']],
    ['web', ['pkill', '-f', v.implant_name!]],
    ['web', ['rm', '-rf', '/tmp/.font-unix']],
    ['web', ['sh', '-c', 'setsid /usr/local/bin/log-ship >/dev/null 2>&1 &']],
  ],
  'online-a': () => [
    ['web', PATCH_CGI],
    ['web', ['crontab', '-r']],
    ['web', ['cp', '/srv/www/index.html', '/run/www/index.html']],
  ],
};
