import { describe, expect, test } from 'vitest'
import { refuseTargetUrl } from './url-guard.ts'

describe('refuseTargetUrl', () => {
  test.each([
    'http://127.0.0.1:8080/hooks',
    'http://localhost:3000',
    'https://integration.example.com/base',
    'http://[::1]:9000/',
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
    'http://[fd00:ec2::254]/',
    'http://[64:ff9b::a9fe:a9fe]/',
    'http://[64:ff9b::169.254.169.254]/',
    'http://100.100.100.200/latest/meta-data',
    'http://user:pw@127.0.0.1/',
  ])('refuses %s', (url) => {
    expect(refuseTargetUrl(url)).not.toBeNull()
  })
})
