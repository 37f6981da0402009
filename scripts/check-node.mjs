// npm scripts run on the pinned Node 24 from node_modules/.bin; fail early with the fix if they do not.
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  console.error(`Fieldmesh needs Node 24 (found ${process.version}). Run 'npm install' first: the pinned "node" devDependency puts Node 24 on the path of every npm script.`);
  process.exit(1);
}
