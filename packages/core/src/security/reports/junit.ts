import { redact } from '../../secrets/index.js';
import { checkKey, listChecks } from '../checks.js';
import { formatLocation } from '../result.js';
import type { CheckRecord, Finding, FindingCategory, SecurityCheckResult } from '../types.js';
import { relativeUri, yamlPathText } from './common.js';
import { escapeXml } from './xml.js';

export interface JUnitOptions {
  baseDir?: string;
}

interface TestCase {
  classname: string;
  name: string;
  file: string;
  failure?: { message: string; type: string; body: string };
  skipped?: string;
  systemOut?: string;
}

const SUITE_NAMES: Record<FindingCategory, string> = {
  manifest: 'manifest rules',
  vulnerability: 'vulnerability gate',
  policy: 'policy hygiene',
};

/**
 * JUnit XML for GitLab `artifacts:reports:junit` and Jenkins `junit`: one test case per rule × resource checked,
 * a failure for each case with a blocking finding, `skipped` for exempted ones. Non-blocking findings pass but
 * are listed in `system-out`, so they are visible without failing the build.
 */
export function toJUnit(result: SecurityCheckResult, options: JUnitOptions = {}): string {
  const findingsByKey = new Map<string, Finding[]>();
  for (const finding of result.findings) {
    const key = checkKey(finding.ruleId, finding.resource);
    const list = findingsByKey.get(key);
    if (list) list.push(finding);
    else findingsByKey.set(key, [finding]);
  }
  const suites = new Map<FindingCategory, TestCase[]>();
  for (const check of listChecks(result)) {
    const key = checkKey(check.ruleId, check.resource);
    const cases = suites.get(check.category) ?? [];
    cases.push(toTestCase(check, findingsByKey.get(key) ?? [], options.baseDir));
    suites.set(check.category, cases);
  }
  const suiteXml: string[] = [];
  let tests = 0;
  let failures = 0;
  let skipped = 0;
  for (const [category, cases] of suites) {
    const suiteFailures = cases.filter((c) => c.failure).length;
    const suiteSkipped = cases.filter((c) => c.skipped !== undefined).length;
    tests += cases.length;
    failures += suiteFailures;
    skipped += suiteSkipped;
    suiteXml.push(
      [
        `  <testsuite name="${escapeXml(`${SUITE_NAMES[category]} (${result.environment})`)}" tests="${cases.length}" failures="${suiteFailures}" errors="0" skipped="${suiteSkipped}">`,
        '    <properties>',
        property('environment', result.environment),
        property('tier', result.tier),
        property('policyVersion', result.policyVersion),
        property('decision', result.decision.blocked ? 'BLOCKED' : 'PASSED'),
        '    </properties>',
        ...cases.map(renderCase),
        '  </testsuite>',
      ].join('\n'),
    );
  }
  const xml = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="EDS security check" tests="${tests}" failures="${failures}" errors="0" skipped="${skipped}">`,
    ...suiteXml,
    '</testsuites>',
    '',
  ].join('\n');
  return redact(xml);
}

function toTestCase(check: CheckRecord, findings: readonly Finding[], baseDir: string | undefined): TestCase {
  const testCase: TestCase = {
    classname: `eds.security.${check.ruleId}`,
    name: check.resource,
    file: relativeUri(check.location.file, baseDir),
  };
  const blocking = findings.filter((f) => f.blocking);
  const exempted = findings.filter((f) => f.exemption);
  const other = findings.filter((f) => !f.blocking && !f.exemption);
  const first = blocking[0];
  if (first) {
    testCase.failure = {
      message: first.message,
      type: first.severity,
      body: blocking.map(describe).join('\n\n'),
    };
  } else if (exempted.length > 0 && other.length === 0) {
    const use = exempted[0]?.exemption;
    testCase.skipped = `exempted (${use?.source ?? 'policy'}): ${use?.reason ?? ''}`;
  }
  const notes = [
    ...other.map((f) => `not blocking [${f.severity}]: ${describe(f)}`),
    ...exempted.map((f) => `exempted: ${f.message} (${f.exemption?.reason ?? ''})`),
  ];
  if (notes.length > 0 && testCase.skipped === undefined) testCase.systemOut = notes.join('\n');
  return testCase;
}

function describe(finding: Finding): string {
  const path = yamlPathText(finding.location.path);
  return [
    `${finding.severity.toUpperCase()} ${finding.ruleId}: ${finding.message}`,
    `at ${formatLocation(finding)}${path ? ` (${path})` : ''}`,
    `fix: ${finding.remediation}`,
  ].join('\n');
}

function property(name: string, value: string): string {
  return `      <property name="${escapeXml(name)}" value="${escapeXml(value)}"/>`;
}

function renderCase(testCase: TestCase): string {
  const open = `    <testcase classname="${escapeXml(testCase.classname)}" name="${escapeXml(testCase.name)}" file="${escapeXml(testCase.file)}" time="0"`;
  const children: string[] = [];
  if (testCase.failure) {
    children.push(
      `      <failure message="${escapeXml(testCase.failure.message)}" type="${escapeXml(testCase.failure.type)}">${escapeXml(testCase.failure.body)}</failure>`,
    );
  }
  if (testCase.skipped !== undefined)
    children.push(`      <skipped message="${escapeXml(testCase.skipped)}"/>`);
  if (testCase.systemOut !== undefined)
    children.push(`      <system-out>${escapeXml(testCase.systemOut)}</system-out>`);
  return children.length === 0 ? `${open}/>` : `${open}>\n${children.join('\n')}\n    </testcase>`;
}
