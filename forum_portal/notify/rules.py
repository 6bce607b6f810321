import rules

rules.add_perm("notify.change_own_preferences", rules.is_authenticated)
