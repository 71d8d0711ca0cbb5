import { describe, expect, test } from 'vitest'
import {
  checkTargetUrl,
  LOCAL_TARGETS,
  type Resolve,
  refuseResolved,
  refuseTargetUrl,
  resolveHost,
  type TargetRules,
} from './url-guard.ts'

/** A resolver that knows a few names and nothing else: no real DNS in these tests. */
const hosts: Record<string, string[]> = {
  'integration.example.com': ['8.8.8.8', '2001:4860:4860::8888'],
  'sneaky.example.com': ['8.8.8.8', '127.0.0.1'],
  'internal.example.com': ['10.0.0.5'],
  'metadata-alias.example.com': ['169.254.169.254'],
  'nat64.example.com': ['64:ff9b::a9fe:a9fe'],
  'localhost-alias.example.com': ['::1'],
}
const resolve: Resolve = async (host) => {
  const found = hosts[host]
  if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' })
  return found
}
const SHARED: TargetRules = { shared: true, allowLoopback: false, resolve }
const SHARED_LOOPBACK_OK: TargetRules = { shared: true, allowLoopback: true, resolve }

describe('refuseTargetUrl, locally', () => {
  test.each([
    'http://127.0.0.1:8080/hooks',
    'http://localhost:3000',
    'https://integration.example.com/base',
    'http://[::1]:9000/',
    'http://10.0.0.1/',
  ])('allows %s', (url) => {
    expect(refuseTargetUrl(url)).toBeNull()
  })

  test.each([
    'ftp://127.0.0.1/',
    'file:///etc/passwd',
    'not a url',
    'http://169.254.169.254/latest/meta-data',
    'http://0xa9fea9fe/',
    'http://2852039166/',
    'http://0.0.0.0:8080/',
    'http://0/',
    'http://[::]/',
    'http://[0:0:0:0:0:0:0:0]/',
    'http://[fe80::1]/',
    'http://[FEBF::1]/',
    'http://[::ffff:169.254.169.254]/',
    'http://metadata.google.internal/',
    'http://metadata.google.internal./',
    'http://METADATA.GOOGLE.INTERNAL/',
    'http://[fd00:ec2::254]/',
    'http://[64:ff9b::a9fe:a9fe]/',
    'http://[64:ff9b::169.254.169.254]/',
    'http://100.100.100.200/latest/meta-data',
    'http://user:pw@127.0.0.1/',
  ])('refuses %s', (url) => {
    expect(refuseTargetUrl(url)).not.toBeNull()
  })

  test('names are not resolved: a name that resolves to loopback is fine beside the integration', async () => {
    expect(
      await checkTargetUrl('http://localhost-alias.example.com/', { ...LOCAL_TARGETS, resolve }),
    ).toBeNull()
  })
})

describe('checkTargetUrl in shared mode', () => {
  test.each([
    // 127.0.0.1 in every spelling the WHATWG parser accepts
    'http://127.0.0.1/',
    'http://2130706433/',
    'http://0x7f000001/',
    'http://0177.0.0.1/',
    'http://017700000001/',
    'http://0x7f.1/',
    'http://127.1/',
    'http://127.0.1/',
    'http://[::1]/',
    'http://[::ffff:127.0.0.1]/',
    'http://[::ffff:7f00:1]/',
    'http://[0:0:0:0:0:ffff:7f00:1]/',
    'http://[::127.0.0.1]/',
    // 169.254.169.254 in every spelling
    'http://169.254.169.254/',
    'http://2852039166/',
    'http://0xa9fea9fe/',
    'http://0251.0376.0251.0376/',
    'http://169.254.43518/',
    'http://[::ffff:169.254.169.254]/',
    'http://[64:ff9b::a9fe:a9fe]/',
    'http://[64:ff9b::169.254.169.254]/',
    'http://[fe80::1]/',
    // other metadata services, private, CGNAT, unique-local
    'http://[fd00:ec2::254]/',
    'http://100.100.100.200/',
    'http://100.64.0.1/',
    'http://10.0.0.1/',
    'http://172.16.0.1/',
    'http://172.31.255.255/',
    'http://192.168.1.1/',
    'http://[fc00::1]/',
    'http://[64:ff9b::8.8.8.8]/',
    'http://metadata.google.internal/',
    'http://metadata.google.internal./',
    'http://METADATA.GOOGLE.INTERNAL/',
    'http://Metadata.Google.Internal./',
    // unspecified, broadcast, multicast, reserved
    'http://0.0.0.0/',
    'http://0/',
    'http://[::]/',
    'http://255.255.255.255/',
    'http://224.0.0.1/',
    'http://[ff02::1]/',
    'http://240.0.0.1/',
    'http://192.0.2.1/',
    // names: loopback by definition, and names whose addresses are refused
    'http://localhost:3000/',
    'http://api.localhost/',
    'http://localhost-alias.example.com/',
    'http://sneaky.example.com/',
    'http://internal.example.com/',
    'http://metadata-alias.example.com/',
    'http://nat64.example.com/',
    'http://nowhere.example.com/',
  ])('refuses %s', async (url) => {
    expect(await checkTargetUrl(url, SHARED)).not.toBeNull()
  })

  test.each([
    'http://8.8.8.8/',
    'https://integration.example.com/base',
    'http://[2001:4860:4860::8888]:8080/',
    'http://[::ffff:8.8.8.8]/',
  ])('allows the public %s', async (url) => {
    expect(await checkTargetUrl(url, SHARED)).toBeNull()
  })

  test('the refusal names why, without echoing the address', async () => {
    const refusal = await checkTargetUrl('http://internal.example.com/', SHARED)
    expect(refusal).toMatch(/private address/)
    expect(refusal).not.toContain('10.0.0.5')
    expect(await checkTargetUrl('http://127.0.0.1/', SHARED)).toMatch(/loopback.*--allow-loopback-targets/)
    expect(await checkTargetUrl('http://[fd00:ec2::254]/', SHARED)).toMatch(/metadata/)
  })

  test.each([
    'http://127.0.0.1:8080/',
    'http://0x7f000001/',
    'http://[::1]/',
    'http://[::ffff:127.0.0.1]/',
    'http://localhost:3000/',
    'http://localhost-alias.example.com/',
  ])('allows loopback %s with allow-loopback-targets', async (url) => {
    expect(await checkTargetUrl(url, SHARED_LOOPBACK_OK)).toBeNull()
  })

  test.each([
    'http://10.0.0.1/',
    'http://169.254.169.254/',
    'http://[fd00:ec2::254]/',
    'http://metadata.google.internal./',
    'http://internal.example.com/',
  ])('still refuses %s with allow-loopback-targets', async (url) => {
    expect(await checkTargetUrl(url, SHARED_LOOPBACK_OK)).not.toBeNull()
  })

  test('with the system resolver, what localhost resolves to is refused', async () => {
    const rules: TargetRules = { shared: true, allowLoopback: false }
    const addresses = await resolveHost('localhost', rules)
    expect(addresses.length).toBeGreaterThan(0)
    expect(refuseResolved(addresses, rules)).toMatch(/loopback/)
  })
})
