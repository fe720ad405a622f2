import { stringify } from 'yaml';

/** A small valid template as plain data; tests break it on purpose. */
export function validTemplate(): Record<string, any> {
  return {
    id: 'mini',
    version: '1.0.0',
    title: { ja: 'ミニ', en: 'Mini' },
    description: { ja: '説明', en: 'Description' },
    courses: ['A'],
    durationMinutes: 60,
    networks: [{ name: 'internet' }, { name: 'dmz' }],
    variables: [
      { name: 'flag', kind: 'hex', length: 12 },
      { name: 'implant', kind: 'pick', from: ['alpha', 'beta', 'gamma'] },
      { name: 'attacker_ip', kind: 'address', node: 'attacker', network: 'internet' },
      { name: 'c2_port', kind: 'port' },
      { name: 'group', kind: 'word' },
    ],
    nodes: [
      {
        name: 'logserver',
        image: 'logserver',
        role: 'logserver',
        networks: [{ network: 'dmz' }],
      },
      {
        name: 'web',
        image: 'web',
        role: 'server',
        networks: [{ network: 'internet', aliases: ['www'] }, { network: 'dmz' }],
        capabilities: ['NET_BIND_SERVICE'],
        env: { FLAG: '${flag}', PORT: 80 },
        dependsOn: ['logserver'],
        readiness: { argv: ['wget', '-q', '-O', '/dev/null', 'http://127.0.0.1/'] },
      },
      {
        name: 'attacker',
        image: 'attacker',
        role: 'attacker',
        networks: [{ network: 'internet', hostOffset: 200 }],
        capabilities: ['NET_RAW', 'NET_ADMIN'],
        command: ['sh', '-c', 'echo ${implant} $${HOME}'],
        dependsOn: ['web'],
      },
    ],
    attack: {
      steps: [
        {
          id: 'exploit',
          offsetSeconds: 120,
          node: 'attacker',
          argv: ['exploit', 'http://www/cgi-bin/ping', 'host', 'echo ${flag}'],
          precondition: { argv: ['probe-injection', 'http://www/cgi-bin/ping', 'host'] },
          title: { ja: '侵入', en: 'Exploit' },
        },
        { id: 'recon', offsetSeconds: 10, node: 'attacker', argv: ['recon', 'www'], title: { ja: '偵察', en: 'Recon' } },
      ],
    },
    objectives: [
      {
        id: 'who',
        phase: 'detect',
        kind: 'answer',
        points: 100,
        after: 'exploit',
        title: { ja: '誰', en: 'Who' },
        answer: { variable: 'attacker_ip', normalize: 'ip' },
        hints: [{ text: { ja: 'ログ', en: 'Logs' }, cost: 10 }],
      },
      {
        id: 'stopped',
        phase: 'contain',
        kind: 'check',
        points: 50,
        after: 'exploit',
        title: { ja: '停止', en: 'Stopped' },
        check: { exec: { node: 'web', argv: ['sh', '-c', "! ps | grep -q '${implant}'"] } },
      },
      {
        id: 'site',
        phase: 'recover',
        kind: 'check',
        points: 50,
        after: 'exploit',
        title: { ja: '復旧', en: 'Site' },
        check: { http: { from: 'attacker', url: 'http://www/', bodyMatches: 'ok-${flag}' } },
      },
      {
        id: 'report',
        phase: 'report',
        kind: 'report',
        points: 100,
        title: { ja: '報告', en: 'Report' },
        report: { iocs: [{ id: 'ip', label: { ja: 'IP', en: 'IP' }, expected: '${attacker_ip}', normalize: 'ip' }] },
      },
    ],
  };
}

export const BUILTIN_IMAGES = ['attacker', 'base', 'c2', 'fileserver', 'logserver', 'router', 'web', 'workstation'];

export const toYaml = (data: unknown) => stringify(data);
