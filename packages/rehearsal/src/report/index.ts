export {
  createLiveTree,
  type LiveOutput,
  type LiveTree,
  type LiveTreeOptions
} from './live-tree.js'
export { resultTable, type ResultRun, type ResultTableOptions } from './table.js'
export { renderHtmlReport, writeHtmlReport, type HtmlReportInput } from './html/page.js'
