import { useEffect, useState } from 'react';
import {
  defaultPolicyDocument,
  resolvePolicy,
  type EffectivePolicy,
  type Role,
} from '../../common/policy/policy';
import { can } from '../../common/rbac/permissions';
import { useApi } from '../api/api-context';

/**
 * The policy that applies to `role`, for live feedback: the device's document when the role
 * may read it (asking otherwise would only log a permission denial), else the Standard profile.
 * The core remains the judge and explains any rule the feedback missed.
 */
export function useEffectivePolicy(role: Role): EffectivePolicy {
  const api = useApi();
  const [policy, setPolicy] = useState<EffectivePolicy>(() =>
    resolvePolicy(defaultPolicyDocument(), role),
  );
  useEffect(() => {
    if (!can(role, 'policy.read')) return;
    let live = true;
    void api.settings.policy({}).then((r) => {
      if (live && r.ok) setPolicy(resolvePolicy(r.data.document, role));
    });
    return () => {
      live = false;
    };
  }, [api, role]);
  return policy;
}
