import { Box, Text } from 'ink';
import { useState } from 'react';
import type { Theme } from '../colour.js';
import { bind, MOVE_AND_PICK, quitBindings, shown } from './key-bindings.js';
import { ScreenFrame } from './ScreenFrame.js';
import { type ListItem, SelectList } from './SelectList.js';
import { TextField } from './TextField.js';

type Way = 'simulator' | 'environment' | 'device-code' | 'proxy';

/** How to connect when no flag said: the simulator, a tenant (app or operator), or the proxy. */
export function ConnectScreen(props: {
  env: Record<string, string | undefined>;
  theme: Theme;
  onConnect: (flags: Record<string, unknown>) => void;
  onQuit: () => void;
}) {
  const { env, theme } = props;
  const [way, setWay] = useState<Way | undefined>();
  const [fields, setFields] = useState<Record<string, string>>({
    tenant: env.AZURE_TENANT_ID ?? '',
    'client-id': env.AZURE_CLIENT_ID ?? '',
    proxy: env.ONDEMAND_PROXY_URL ?? '',
    'api-key': env.ONDEMAND_API_KEY ?? '',
    ca: '',
  });
  const [field, setField] = useState(0);
  // Esc on a form: one step back, to the field before or to the ways to connect.
  const formBack = () => (field > 0 ? setField(field - 1) : setWay(undefined));
  const quit = quitBindings(props.onQuit, { typing: true });
  const hasAppCredentials = !!(
    env.AZURE_TENANT_ID &&
    env.AZURE_CLIENT_ID &&
    (env.AZURE_CLIENT_SECRET || env.AZURE_CLIENT_CERTIFICATE_PATH)
  );
  const ways: ListItem<Way>[] = [
    {
      key: 'simulator',
      label: 'Simulator',
      hint: 'an embedded Graph twin: nothing to set up',
      value: 'simulator',
    },
    ...(hasAppCredentials
      ? [
          {
            key: 'environment',
            label: 'Tenant as an app',
            hint: `credentials from AZURE_* (tenant ${env.AZURE_TENANT_ID})`,
            value: 'environment' as Way,
          },
        ]
      : []),
    {
      key: 'device-code',
      label: 'Tenant, signed in as me',
      hint: 'device code sign-in',
      value: 'device-code',
    },
    { key: 'proxy', label: 'ondemand proxy', hint: 'URL and API key', value: 'proxy' },
  ];

  if (!way) {
    return (
      <ScreenFrame theme={theme} bindings={[...MOVE_AND_PICK, ...quit]}>
        <Text bold>Connect to</Text>
        <SelectList
          items={ways}
          theme={theme}
          onSelect={(picked) => {
            if (picked === 'simulator') props.onConnect({ simulate: true });
            else if (picked === 'environment') props.onConnect({});
            else setWay(picked);
          }}
        />
      </ScreenFrame>
    );
  }
  const names = way === 'proxy' ? ['proxy', 'api-key', 'ca'] : ['tenant', 'client-id'];
  const labels: Record<string, string> = {
    proxy: 'Proxy URL',
    'api-key': 'API key',
    ca: 'CA file (empty: the system CAs)',
    tenant: 'Tenant id',
    'client-id': 'Client id (a public client app)',
  };
  const last = field === names.length - 1;
  return (
    <ScreenFrame
      theme={theme}
      bindings={[shown('Enter', last ? 'connect' : 'next field'), bind('Esc', 'back', formBack), ...quit]}
    >
      <Text bold>
        {way === 'proxy' ? 'Connect to the ondemand proxy' : 'Sign in to a tenant with a device code'}
      </Text>
      {names.map((each, index) => (
        <Box key={each}>
          <Text color={index === field ? theme.color('cyan') : undefined}>{`${labels[each]}: `}</Text>
          {index === field ? (
            <TextField
              value={fields[each] ?? ''}
              theme={theme}
              {...(each === 'api-key' ? { mask: '*' } : {})}
              onChange={(value) => setFields((current) => ({ ...current, [each]: value }))}
              onSubmit={(value) => {
                const filled = { ...fields, [each]: value };
                if (field < names.length - 1) setField(field + 1);
                else
                  props.onConnect(
                    way === 'proxy'
                      ? {
                          proxy: filled.proxy,
                          'api-key': filled['api-key'],
                          ...(filled.ca?.trim() ? { ca: filled.ca.trim() } : {}),
                        }
                      : { tenant: filled.tenant, 'client-id': filled['client-id'], 'device-code': true },
                  );
              }}
            />
          ) : (
            <Text>{each === 'api-key' ? '*'.repeat((fields[each] ?? '').length) : fields[each]}</Text>
          )}
        </Box>
      ))}
    </ScreenFrame>
  );
}
