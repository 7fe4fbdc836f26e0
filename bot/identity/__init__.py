"""Identity: people and their addresses, invite codes that grant roles, linking a verified phone
number (merging two records of one human), and the asides that hook these into conversations."""
